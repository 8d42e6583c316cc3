package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.PartitionMap;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;

@Command(name = "ring", mixinStandardHelpOptions = true,
        description = {"Key share per shard and per store.",
            "A store's leader share is the sum of the shares of the shards it leads; its replica share the sum of "
                + "the shares of the shards it holds a voting replica of. Works on any PD member (no leader needed)."})
final class RingCommand extends PdCommand {

    @Override
    int run(PdClient pd) {
        PartitionMap map = pd.partitionMap().getMap();
        Map<Integer, Double> shares = Rings.shares(map);
        Map<Integer, Integer> tokens = Rings.tokenCounts(map);
        Map<Integer, ShardPlacement> placements = new TreeMap<>();
        for (ShardPlacement p : map.getShardsList()) {
            placements.put(p.getShardId(), p);
        }
        Map<String, double[]> perStore = new LinkedHashMap<>(); // leader share, replica share, leaders, replicas
        for (Store s : map.getStoresList()) {
            perStore.put(s.getId(), new double[4]);
        }
        for (Map.Entry<Integer, Double> e : shares.entrySet()) {
            ShardPlacement p = placements.get(e.getKey());
            if (p == null) {
                continue;
            }
            if (!p.getLeader().isEmpty()) {
                double[] v = perStore.computeIfAbsent(p.getLeader(), k -> new double[4]);
                v[0] += e.getValue();
                v[2]++;
            }
            for (String r : p.getReplicasList()) {
                double[] v = perStore.computeIfAbsent(r, k -> new double[4]);
                v[1] += e.getValue();
                v[3]++;
            }
        }
        if (json()) {
            List<Object> shardsOut = new ArrayList<>();
            for (Map.Entry<Integer, Double> e : shares.entrySet()) {
                ShardPlacement p = placements.get(e.getKey());
                shardsOut.add(Json.obj("shard", Integer.toUnsignedLong(e.getKey()), "tokens", tokens.getOrDefault(e.getKey(), 0),
                        "key_share", e.getValue(), "leader", p == null ? "" : p.getLeader()));
            }
            List<Object> storesOut = new ArrayList<>();
            perStore.forEach((id, v) -> storesOut.add(Json.obj("store", id, "leader_share", v[0], "replica_share", v[1],
                    "leaders", (long) v[2], "replicas", (long) v[3])));
            printJson(Json.obj("epoch", map.getEpoch(), "tokens", map.getRing().getTokensCount(),
                    "shards", shardsOut, "stores", storesOut));
            return ExitCodes.OK;
        }
        if (shares.isEmpty()) {
            out().println("the partition map (epoch " + map.getEpoch() + ") has no ring yet");
            return ExitCodes.OK;
        }
        out().println("Ring: " + map.getRing().getTokensCount() + " tokens, " + shares.size() + " shards, epoch "
                + map.getEpoch());
        out().println();
        Table shardTable = new Table().num("SHARD").num("TOKENS").num("KEY-SHARE").col("LEADER");
        shares.forEach((id, share) -> {
            ShardPlacement p = placements.get(id);
            shardTable.row(Integer.toUnsignedString(id), tokens.getOrDefault(id, 0), Fmt.percent(share),
                    p == null ? "" : p.getLeader());
        });
        shardTable.print(out());
        out().println();
        Table storeTable = new Table().col("STORE").num("LEADERS").num("LEADER-SHARE").num("REPLICAS").num("REPLICA-SHARE");
        perStore.forEach((id, v) -> storeTable.row(id, (long) v[2], Fmt.percent(v[0]), (long) v[3], Fmt.percent(v[1])));
        storeTable.print(out());
        return ExitCodes.OK;
    }
}
