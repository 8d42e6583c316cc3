package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.OperatorInfo;
import io.ringcache.proto.v1.OperatorStatus;
import io.ringcache.proto.v1.PlacementMember;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.ShardStatus;
import io.ringcache.proto.v1.StoreState;
import io.ringcache.proto.v1.StoreStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Health summary: stores up/down/draining/removed, under-replicated shards, operators, "
                + "PD members and leader.",
            "A shard is under-replicated when it has fewer voters than the target replica count, or a voter on a "
                + "store that is not UP. Health is DEGRADED when a store is DOWN or a shard is under-replicated."})
final class StatusCommand extends PdCommand {

    @Override
    int run(PdClient pd) {
        GetClusterStatusResponse st = pd.status();
        Map<String, StoreState> state = new HashMap<>();
        Map<StoreState, List<String>> byState = new EnumMap<>(StoreState.class);
        for (StoreStatus s : st.getStoresList()) {
            state.put(s.getStore().getId(), s.getStore().getState());
            byState.computeIfAbsent(s.getStore().getState(), k -> new ArrayList<>()).add(s.getStore().getId());
        }
        List<Map<String, Object>> under = new ArrayList<>();
        for (ShardStatus s : st.getShardsList()) {
            ShardPlacement p = s.getPlacement();
            List<String> reasons = new ArrayList<>();
            if (st.getTargetReplicas() > 0 && p.getReplicasCount() < st.getTargetReplicas()) {
                reasons.add(p.getReplicasCount() + " of " + st.getTargetReplicas() + " voters");
            }
            for (String v : p.getReplicasList()) {
                StoreState vs = state.get(v);
                if (vs != StoreState.STORE_STATE_UP) {
                    reasons.add("voter " + v + " is " + (vs == null ? "UNKNOWN" : Fmt.state(vs)));
                }
            }
            if (!reasons.isEmpty()) {
                under.add(Json.obj("shard", Integer.toUnsignedLong(p.getShardId()), "voters", p.getReplicasList(),
                        "reasons", reasons));
            }
        }
        int running = 0;
        int pending = 0;
        for (OperatorInfo op : st.getOperatorsList()) {
            if (op.getStatus() == OperatorStatus.OPERATOR_STATUS_RUNNING) {
                running++;
            } else if (op.getStatus() == OperatorStatus.OPERATOR_STATUS_PENDING) {
                pending++;
            }
        }
        PlacementMember leader = st.getMembersList().stream().filter(PlacementMember::getLeader).findFirst().orElse(null);
        String leaderAddress = leader != null ? leader.getGrpcAddress() : pd.leaderAddress();
        List<String> up = byState.getOrDefault(StoreState.STORE_STATE_UP, List.of());
        List<String> down = byState.getOrDefault(StoreState.STORE_STATE_DOWN, List.of());
        List<String> draining = byState.getOrDefault(StoreState.STORE_STATE_DRAINING, List.of());
        List<String> removed = byState.getOrDefault(StoreState.STORE_STATE_REMOVED, List.of());
        boolean healthy = down.isEmpty() && under.isEmpty();

        if (json()) {
            List<Object> members = new ArrayList<>();
            for (PlacementMember m : st.getMembersList()) {
                members.add(Json.obj("id", m.getId(), "address", m.getGrpcAddress(), "leader", m.getLeader()));
            }
            printJson(Json.obj(
                    "healthy", healthy,
                    "pd", Json.obj("leader", Json.obj("id", leader == null ? "" : leader.getId(), "address", leaderAddress),
                            "members", members),
                    "epoch", st.getMap().getEpoch(),
                    "target_replicas", Integer.toUnsignedLong(st.getTargetReplicas()),
                    "stores", Json.obj("total", st.getStoresCount(), "up", up.size(), "down", down.size(),
                            "draining", draining.size(), "removed", removed.size(),
                            "down_ids", down, "draining_ids", draining),
                    "shards", Json.obj("total", st.getShardsCount(), "under_replicated", under),
                    "operators", Json.obj("running", running, "pending", pending)));
            return ExitCodes.OK;
        }
        List<String> memberText = new ArrayList<>();
        for (PlacementMember m : st.getMembersList()) {
            memberText.add(m.getId() + (m.getLeader() ? "*" : "") + " (" + m.getGrpcAddress() + ")");
        }
        Table t = new Table().col("").col("");
        t.row("Health", healthy ? "OK" : "DEGRADED");
        t.row("PD leader", (leader == null ? "?" : leader.getId()) + " at " + Fmt.orDash(leaderAddress));
        t.row("PD members", memberText.isEmpty() ? "-" : String.join(", ", memberText));
        t.row("Map epoch", st.getMap().getEpoch());
        StringBuilder stores = new StringBuilder().append(st.getStoresCount()).append(": ").append(up.size())
                .append(" up, ").append(down.size()).append(" down, ").append(draining.size()).append(" draining, ")
                .append(removed.size()).append(" removed");
        if (!down.isEmpty()) {
            stores.append("; down: ").append(String.join(",", down));
        }
        if (!draining.isEmpty()) {
            stores.append("; draining: ").append(String.join(",", draining));
        }
        t.row("Stores", stores);
        t.row("Shards", st.getShardsCount() + " (target " + st.getTargetReplicas() + " replicas), "
                + under.size() + " under-replicated");
        for (Map<String, Object> u : under) {
            @SuppressWarnings("unchecked")
            List<String> reasons = (List<String>) u.get("reasons");
            t.row(" ", "  shard " + u.get("shard") + ": " + String.join(", ", reasons));
        }
        t.row("Operators", running + " running, " + pending + " pending");
        t.printRows(out());
        return ExitCodes.OK;
    }
}
