package io.ringcache.node.adapter.raft;

import io.ringcache.node.core.ShardHotKeys;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.HotKeys;
import java.util.ArrayList;
import java.util.List;

/** The hot keys of every replica a host holds ({@link HotKeys} per shard engine), for metrics and {@code /v1/hotkeys}. */
public final class HostHotKeys {

    private final ShardGroupHost host;

    public HostHotKeys(ShardGroupHost host) {
        this.host = host;
    }

    /**
     * Up to {@code limit} keys per replica, of every hosted shard ({@code shard < 0}) or of one;
     * replicas with no counted read are left out.
     */
    public List<ShardHotKeys> top(int shard, int limit) {
        List<ShardHotKeys> out = new ArrayList<>();
        for (int s : host.hostedShards()) {
            if (shard >= 0 && s != shard) {
                continue;
            }
            host.engine(s).ifPresent(engine -> {
                List<HotKeys.HotKey> keys = engine.hotKeys().top(limit);
                if (!keys.isEmpty()) {
                    out.add(new ShardHotKeys(s, host.role(s) == ShardGroupHost.Role.LEADER, keys));
                }
            });
        }
        return out;
    }
}
