package io.ringcache.client.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The decisions of re-sending one identical write (same client id and sequence) whose outcome
 * is unknown, as pure functions: the shard applies a (client, sequence) once, so re-sending the
 * same request is always safe, while re-routing it under a new sequence could apply it twice.
 */
public final class ResendPolicy {

    private ResendPolicy() {
    }

    /**
     * Whether some part's outcome is unknown, given each part's failure (null: it succeeded):
     * Unavailable and TimedOut always; a NotLeader whose store had proposed the write before it
     * lost leadership ({@code maybeApplied}: the next leader may still commit it); NotLeader and
     * StaleEpoch once an earlier attempt of this same request was ambiguous (it may have applied on
     * a leader that has since moved). A rejection is never ambiguous: the request itself is wrong.
     * The fault suite caught the maybe-applied case: a put proposed on a leader cut off by a
     * partition was committed by its successor, answered NotLeader when the old leader learned of
     * it, re-sent under a new sequence, and applied a second time 1.1 s after later writes
     * (chaos/README.md, finding 7).
     */
    public static boolean ambiguous(List<Failure> parts, boolean afterAmbiguousAttempt) {
        for (Failure f : parts) {
            if (f instanceof Failure.Unavailable || f instanceof Failure.TimedOut) {
                return true;
            }
            if (f instanceof Failure.NotLeader n && n.maybeApplied()) {
                return true;
            }
            if (afterAmbiguousAttempt && (f instanceof Failure.NotLeader || f instanceof Failure.StaleEpoch
                    || f instanceof Failure.KeyMoved)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where attempt {@code attempt} (1 = the first) goes: the first store once more, then the other
     * live stores in address order, in turn, so any of them can proxy each part to its leader.
     */
    public static String nextStore(RouteTable table, String first, int attempt) {
        List<String> others = new ArrayList<>();
        for (RouteTable.StoreRoute s : table.stores().values()) {
            if (s.up() && !s.grpcAddress().isEmpty() && !s.grpcAddress().equals(first)) {
                others.add(s.grpcAddress());
            }
        }
        others.sort(String::compareTo);
        if (attempt == 1 || others.isEmpty()) {
            return first;
        }
        return others.get((attempt - 2) % others.size());
    }
}
