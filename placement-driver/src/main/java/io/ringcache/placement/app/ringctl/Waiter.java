package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.OperatorInfo;
import io.ringcache.proto.v1.OperatorStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Polls the PD until something holds, within {@code --timeout}. */
final class Waiter {

    private final PdClient pd;
    private final RingctlEnv env;
    private final Duration poll;
    private final Duration timeout;
    private final boolean showProgress;
    private final long deadline;

    Waiter(PdClient pd, RingctlEnv env, Duration poll, Duration timeout, boolean showProgress) {
        this.pd = pd;
        this.env = env;
        this.poll = poll;
        this.timeout = timeout;
        this.showProgress = showProgress;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    boolean expired() {
        return System.nanoTime() - deadline >= 0;
    }

    String timedOutAfter() {
        return "timed out after " + Fmt.duration(timeout);
    }

    Progress progress(String task, long max) {
        return Progress.create(env, showProgress, task, max);
    }

    void sleep() {
        long left = deadline - System.nanoTime();
        long nanos = Math.max(0, Math.min(poll.toNanos(), left));
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RingctlException.refused("interrupted while waiting; the operators keep running in the PD");
        }
    }

    /**
     * The current state of the given operators (by id) from {@code ListOperators(include_finished)};
     * an operator the PD no longer lists maps to null.
     */
    Map<String, OperatorInfo> lookup(List<String> ids) {
        Map<String, OperatorInfo> all = new LinkedHashMap<>();
        for (OperatorInfo op : pd.operators(true).getOperatorsList()) {
            all.putIfAbsent(op.getId(), op);
        }
        Map<String, OperatorInfo> out = new LinkedHashMap<>();
        for (String id : ids) {
            out.put(id, all.get(id));
        }
        return out;
    }

    /** Throws (exit 1) if one of the operators failed or was cancelled. */
    static void checkFailed(String what, Map<String, OperatorInfo> ops) {
        for (OperatorInfo op : ops.values()) {
            if (op == null) {
                continue;
            }
            if (op.getStatus() == OperatorStatus.OPERATOR_STATUS_FAILED) {
                throw RingctlException.refused(what + "operator " + Fmt.describe(op) + " failed"
                        + (op.getStep().isEmpty() ? "" : " at step " + op.getStep())
                        + (op.getReason().isEmpty() ? "" : ": " + Fmt.oneLine(op.getReason())));
            }
            if (op.getStatus() == OperatorStatus.OPERATOR_STATUS_CANCELLED) {
                throw RingctlException.refused(what + "operator " + Fmt.describe(op) + " was cancelled"
                        + (op.getReason().isEmpty() ? "" : ": " + Fmt.oneLine(op.getReason())));
            }
        }
    }

    /** Operators neither finished nor gone. */
    static List<OperatorInfo> unfinished(Map<String, OperatorInfo> ops) {
        List<OperatorInfo> out = new ArrayList<>();
        for (OperatorInfo op : ops.values()) {
            if (op != null && !Fmt.finished(op.getStatus())) {
                out.add(op);
            }
        }
        return out;
    }

    /** "op-3 RUNNING catch-up, op-4 PENDING". */
    static String summary(List<OperatorInfo> ops, int limit) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (OperatorInfo op : ops) {
            if (i == limit) {
                b.append(", ...");
                break;
            }
            if (i++ > 0) {
                b.append(", ");
            }
            b.append(op.getId()).append(' ').append(Fmt.status(op.getStatus()));
            if (!op.getStep().isEmpty()) {
                b.append(' ').append(op.getStep());
            }
        }
        return b.toString();
    }

    /**
     * Waits until every operator (by id) is done: throws on FAILED or CANCELLED (exit 1) and when
     * the timeout elapses (exit 4). An operator the PD no longer lists counts as finished.
     */
    Map<String, OperatorInfo> awaitOperators(String task, List<String> ids) {
        try (Progress p = progress(task, ids.size())) {
            while (true) {
                Map<String, OperatorInfo> ops = lookup(ids);
                checkFailed("", ops);
                List<OperatorInfo> open = unfinished(ops);
                p.update(ids.size() - open.size(), ids.size(), summary(open, 3));
                if (open.isEmpty()) {
                    return ops;
                }
                if (expired()) {
                    throw RingctlException.timedOut(timedOutAfter() + ": " + open.size() + " of " + ids.size()
                            + " operators unfinished (" + summary(open, 5) + ")");
                }
                sleep();
            }
        }
    }
}
