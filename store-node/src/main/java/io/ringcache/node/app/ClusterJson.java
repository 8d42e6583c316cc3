package io.ringcache.node.app;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import java.util.Optional;

/** The {@code GET /v1/cluster} document: stores, shards, leaders, the map epoch and where placement runs. */
final class ClusterJson {

    private ClusterJson() {
    }

    static String render(Optional<PartitionMap> current, String storeId, String pdAddress, ShardGroupHost host) {
        StringBuilder out = new StringBuilder(1024);
        out.append("{\"store\":").append(q(storeId)).append(",\"placement_driver\":").append(q(pdAddress));
        if (current.isEmpty()) {
            return out.append(",\"epoch\":0,\"stores\":[],\"shards\":[]}").toString();
        }
        PartitionMap map = current.get();
        out.append(",\"epoch\":").append(map.epoch()).append(",\"stores\":[");
        boolean first = true;
        for (StoreInfo s : map.stores().values()) {
            out.append(first ? "" : ",").append("{\"id\":").append(q(s.id())).append(",\"state\":").append(q(s.state().name()))
                    .append(",\"grpc\":").append(q(s.grpcAddress())).append(",\"http\":").append(q(s.httpAddress()))
                    .append(",\"raft\":").append(q(s.raftAddress())).append('}');
            first = false;
        }
        out.append("],\"shards\":[");
        first = true;
        for (ShardInfo s : map.shards().values()) {
            String leader = host.leader(s.id()).orElse(s.leader());
            out.append(first ? "" : ",").append("{\"id\":").append(s.id()).append(",\"leader\":").append(q(leader))
                    .append(",\"replicas\":[");
            for (int i = 0; i < s.replicas().size(); i++) {
                out.append(i == 0 ? "" : ",").append(q(s.replicas().get(i)));
            }
            out.append("],\"learners\":[");
            for (int i = 0; i < s.learners().size(); i++) {
                out.append(i == 0 ? "" : ",").append(q(s.learners().get(i)));
            }
            out.append("],\"conf_version\":").append(s.confVersion()).append('}');
            first = false;
        }
        return out.append("]}").toString();
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }
}
