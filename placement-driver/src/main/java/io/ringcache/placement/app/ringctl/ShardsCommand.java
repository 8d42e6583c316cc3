package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.ShardStatus;
import io.ringcache.proto.v1.StoreStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "shards", mixinStandardHelpOptions = true,
        description = {"Shards: voters, learners, leader, conf version, ops/s, entries, bytes, key share.",
            "The key share is each shard's fraction of the hash space, computed from the map's ring."})
final class ShardsCommand extends PdCommand {

    @Option(names = "--store", paramLabel = "ID", description = "Only the shards with a replica (voter or learner) on this store.")
    String store;

    @Override
    int run(PdClient pd) {
        GetClusterStatusResponse st = pd.status();
        if (store != null && st.getStoresList().stream().map(StoreStatus::getStore).noneMatch(s -> s.getId().equals(store))) {
            throw RingctlException.refused("unknown store " + store);
        }
        Map<Integer, Double> shares = Rings.shares(st.getMap());
        List<ShardStatus> shards = new ArrayList<>();
        for (ShardStatus s : st.getShardsList()) {
            ShardPlacement p = s.getPlacement();
            if (store == null || p.getReplicasList().contains(store) || p.getLearnersList().contains(store)) {
                shards.add(s);
            }
        }
        if (json()) {
            List<Object> out = new ArrayList<>();
            for (ShardStatus s : shards) {
                ShardPlacement p = s.getPlacement();
                out.add(Json.obj(
                        "shard", Integer.toUnsignedLong(p.getShardId()),
                        "voters", p.getReplicasList(),
                        "learners", p.getLearnersList(),
                        "leader", p.getLeader(),
                        "conf_version", p.getConfVersion(),
                        "ops_per_second", s.getOpsPerSecond(),
                        "entries", s.getEntries(),
                        "bytes", s.getBytes(),
                        "key_share", shares.getOrDefault(p.getShardId(), s.getKeyShare())));
            }
            printJson(Json.obj("epoch", st.getMap().getEpoch(), "shards", out));
            return ExitCodes.OK;
        }
        Table t = new Table().num("SHARD").col("VOTERS").col("LEARNERS").col("LEADER").num("CONF").num("OPS/S")
                .num("ENTRIES").num("BYTES").num("KEY-SHARE");
        for (ShardStatus s : shards) {
            ShardPlacement p = s.getPlacement();
            t.row(Integer.toUnsignedString(p.getShardId()), Fmt.list(p.getReplicasList()), Fmt.list(p.getLearnersList()),
                    p.getLeader(), p.getConfVersion(), Fmt.rate(s.getOpsPerSecond()), s.getEntries(), Fmt.bytes(s.getBytes()),
                    Fmt.percent(shares.getOrDefault(p.getShardId(), s.getKeyShare())));
        }
        t.print(out());
        return ExitCodes.OK;
    }
}
