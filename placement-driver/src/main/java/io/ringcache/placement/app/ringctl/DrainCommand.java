package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.AdminReply;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.OperatorInfo;
import io.ringcache.proto.v1.OperatorStatus;
import io.ringcache.proto.v1.ShardStatus;
import io.ringcache.proto.v1.StoreStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Marks STORE draining: the PD moves its replicas (and so its leaderships) to the other stores. "
                + "Then, unless --no-wait, waits with progress until the store holds no replica "
                + "(exit 4 on --timeout, default 10m; the drain goes on).",
            "Afterwards remove it with 'ringctl remove-store STORE'."})
final class DrainCommand extends PdCommand {

    @Parameters(index = "0", paramLabel = "STORE", description = "The store id.")
    String store;

    @Option(names = "--no-wait", description = "Return once the store is marked draining.")
    boolean noWait;

    @Override
    boolean waits() {
        return !noWait;
    }

    @Override
    int run(PdClient pd) {
        long started = now();
        AdminReply reply = pd.drainStore(store);
        if (noWait) {
            if (json()) {
                printJson(Json.obj("store", store, "state", "DRAINING", "replicas", null,
                        "operators", Views.operatorsJson(reply.getOperatorsList(), now())));
            } else {
                out().println("store " + store + " is draining; follow it with 'ringctl stores' or 'ringctl drain " + store + "'");
            }
            return ExitCodes.OK;
        }
        if (!json()) {
            out().println("store " + store + " is draining");
            out().flush();
        }
        Waiter w = waiter(pd);
        int initial = -1;
        try (Progress progress = w.progress("drain " + store, 0)) {
            while (true) {
                GetClusterStatusResponse st = pd.status();
                int held = held(st);
                if (initial < 0) {
                    initial = held;
                }
                initial = Math.max(initial, held);
                progress.update(initial - held, initial, held + " replicas left");
                if (held == 0) {
                    break;
                }
                if (w.expired()) {
                    OperatorInfo failure = lastFailure(st, started);
                    throw RingctlException.timedOut(w.timedOutAfter() + ": store " + store + " still holds " + held
                            + " replicas" + (failure == null ? "" : "; last failure: operator " + Fmt.describe(failure)
                            + ": " + Fmt.oneLine(failure.getReason())));
                }
                w.sleep();
            }
        }
        if (json()) {
            printJson(Json.obj("store", store, "state", "DRAINING", "replicas", 0,
                    "operators", Views.operatorsJson(reply.getOperatorsList(), now())));
        } else {
            out().println("store " + store + " is drained (no replicas left); remove it with 'ringctl remove-store "
                    + store + "'");
        }
        return ExitCodes.OK;
    }

    /** Replicas (voters and learners) the map still places on the store. */
    private int held(GetClusterStatusResponse st) {
        int inMap = 0;
        for (ShardStatus s : st.getShardsList()) {
            if (s.getPlacement().getReplicasList().contains(store) || s.getPlacement().getLearnersList().contains(store)) {
                inMap++;
            }
        }
        int reported = 0;
        for (StoreStatus s : st.getStoresList()) {
            if (s.getStore().getId().equals(store)) {
                reported = s.getReplicas();
            }
        }
        return Math.max(inMap, reported);
    }

    /** The newest operator off this store that failed since the drain began. */
    private OperatorInfo lastFailure(GetClusterStatusResponse st, long since) {
        OperatorInfo last = null;
        for (OperatorInfo op : st.getOperatorsList()) {
            if (op.getStatus() == OperatorStatus.OPERATOR_STATUS_FAILED && op.getSourceStore().equals(store)
                    && op.getUpdatedUnixMs() >= since && (last == null || op.getUpdatedUnixMs() > last.getUpdatedUnixMs())) {
                last = op;
            }
        }
        return last;
    }
}
