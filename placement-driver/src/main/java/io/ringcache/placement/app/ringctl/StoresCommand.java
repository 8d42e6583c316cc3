package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.Store;
import io.ringcache.proto.v1.StoreStatus;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "stores", mixinStandardHelpOptions = true,
        description = "Stores: id, state, gRPC/HTTP/Raft address, zone label, replicas, leaders, ops/s, heartbeat age, "
                + "data its replicas hold, memory its replicas may use against its -memory.")
final class StoresCommand extends PdCommand {

    @Override
    int run(PdClient pd) {
        GetClusterStatusResponse st = pd.status();
        if (json()) {
            List<Object> stores = new ArrayList<>();
            for (StoreStatus s : st.getStoresList()) {
                Store store = s.getStore();
                stores.add(Json.obj(
                        "id", store.getId(),
                        "state", Fmt.state(store.getState()),
                        "grpc_address", store.getGrpcAddress(),
                        "http_address", store.getHttpAddress(),
                        "raft_address", store.getRaftAddress(),
                        "zone", store.getLabelsOrDefault("zone", ""),
                        "labels", new java.util.TreeMap<>(store.getLabelsMap()),
                        "replicas", Integer.toUnsignedLong(s.getReplicas()),
                        "leaders", Integer.toUnsignedLong(s.getLeaders()),
                        "ops_per_second", s.getOpsPerSecond(),
                        "heartbeat_age_ms", s.getHeartbeatAgeMs(),
                        "data_bytes", s.getDataBytes(),
                        "reserved_bytes", s.getReservedBytes(),
                        "memory_budget_bytes", s.getMemoryBudgetBytes()));
            }
            printJson(Json.obj("epoch", st.getMap().getEpoch(), "stores", stores));
            return ExitCodes.OK;
        }
        Table t = new Table().col("ID").col("STATE").col("GRPC").col("HTTP").col("RAFT").col("ZONE")
                .num("REPLICAS").num("LEADERS").num("OPS/S").num("HEARTBEAT").num("DATA").num("MEMORY");
        for (StoreStatus s : st.getStoresList()) {
            Store store = s.getStore();
            t.row(store.getId(), Fmt.state(store.getState()), store.getGrpcAddress(), store.getHttpAddress(),
                    store.getRaftAddress(), store.getLabelsOrDefault("zone", ""), s.getReplicas(), s.getLeaders(),
                    Fmt.rate(s.getOpsPerSecond()), s.getHeartbeatAgeMs() < 0 ? "never" : Fmt.age(s.getHeartbeatAgeMs()),
                    Fmt.bytes(s.getDataBytes()), s.getMemoryBudgetBytes() == 0 ? "-"
                            : Fmt.bytes(s.getReservedBytes()) + "/" + Fmt.bytes(s.getMemoryBudgetBytes()));
        }
        t.print(out());
        return ExitCodes.OK;
    }
}
