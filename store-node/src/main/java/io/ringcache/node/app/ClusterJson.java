package io.ringcache.node.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringcache.node.adapter.http.Json;
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
        ObjectNode doc = Json.object().put("store", storeId).put("placement_driver", pdAddress);
        ArrayNode stores = Json.MAPPER.createArrayNode();
        ArrayNode shards = Json.MAPPER.createArrayNode();
        doc.put("epoch", current.map(PartitionMap::epoch).orElse(0L));
        doc.set("stores", stores);
        doc.set("shards", shards);
        if (current.isEmpty()) {
            return Json.write(doc);
        }
        PartitionMap map = current.get();
        for (StoreInfo s : map.stores().values()) {
            stores.addObject().put("id", s.id()).put("state", s.state().name()).put("grpc", s.grpcAddress())
                    .put("http", s.httpAddress()).put("raft", s.raftAddress());
        }
        for (ShardInfo s : map.shards().values()) {
            ObjectNode shard = shards.addObject().put("id", s.id()).put("leader", host.leader(s.id()).orElse(s.leader()));
            s.replicas().forEach(shard.putArray("replicas")::add);
            s.learners().forEach(shard.putArray("learners")::add);
            shard.put("conf_version", s.confVersion());
        }
        return Json.write(doc);
    }
}
