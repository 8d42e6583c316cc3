package io.ringcache.chaos.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How many requests got an answer, in the windows the suite's availability aim speaks of: while a
 * fault lasts (after a grace period for the election it may force), and in the quiet gaps after a
 * fault healed (after the same grace). A request sent to a node the fault made unable to serve
 * (an HTTP client pinned to a killed store) is not counted: the aim is about healthy nodes. Nor is
 * one sent to a node still recovering after its fault ended ({@link Outage}: a restarted store
 * that does not yet answer {@code /ready}, which takes seconds), nor, in a quiet gap, one still in
 * flight when the next fault struck (it ended, answered or not, after the strike): it met the
 * fault, not the quiet. That holds for every fault, partitions too, and for SDK requests as for
 * pinned ones. SDK requests follow shard leaders, so they always count otherwise.
 */
public final class Availability {

    private Availability() {
    }

    /**
     * One request: when it was sent and when it ended (ms after the run's start: its answer, or the
     * error or timeout its client saw), whether it got an answer, and the node it was pinned to (0:
     * none, it followed leaders).
     */
    public record Request(long sentMillis, long endMillis, boolean answered, int pinnedNode) {
        public Request {
            if (endMillis < sentMillis) {
                throw new IllegalArgumentException("a request that ended (" + endMillis + ") before it was sent (" + sentMillis + ")");
            }
        }
    }

    /** Node {@code node} was not serving from {@code fromMillis} to {@code toMillis} after its fault ended. */
    public record Outage(int node, long fromMillis, long toMillis) {
        boolean covers(Request r) {
            return r.pinnedNode() == node && r.sentMillis() >= fromMillis && r.sentMillis() < toMillis;
        }
    }

    /** One window's counts. {@code label} is the fault's description, or "quiet after ..." for a gap. */
    public record Window(String label, long fromMillis, long toMillis, int sent, int answered) {
        public double ratio() {
            return sent == 0 ? 1.0 : answered / (double) sent;
        }
    }

    /**
     * The windows of {@code steps}: each fault from its start plus {@code graceMillis} to its end,
     * and each quiet gap from the fault's end plus {@code graceMillis} to the next fault's start (or
     * {@code endMillis}). Windows shorter than a second are left out. Requests pinned to a node
     * during one of its {@code outages} are left out, and so are requests of a quiet gap that
     * ended after the next fault struck.
     */
    public static List<Window> measure(List<Request> requests, List<NemesisPlan.Step> steps, long graceMillis, long endMillis,
                                       List<Outage> outages) {
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            NemesisPlan.Step step = steps.get(i);
            boolean last = i + 1 == steps.size();
            long quietUntil = last ? endMillis : steps.get(i + 1).startMillis();
            add(windows, requests, step.fault().describe(), step.startMillis() + graceMillis, step.endMillis(),
                    step.fault().faultyNodes(), outages, Long.MAX_VALUE);
            add(windows, requests, "quiet after " + step.fault().describe(), step.endMillis() + graceMillis, quietUntil,
                    Set.of(), outages, last ? Long.MAX_VALUE : quietUntil);
        }
        return windows;
    }

    /** {@link #measure(List, List, long, long, List)} with no outages. */
    public static List<Window> measure(List<Request> requests, List<NemesisPlan.Step> steps, long graceMillis, long endMillis) {
        return measure(requests, steps, graceMillis, endMillis, List.of());
    }

    private static void add(List<Window> windows, List<Request> requests, String label, long from, long to, Set<Integer> faulty,
                            List<Outage> outages, long nextStrike) {
        if (to - from < 1_000) {
            return;
        }
        int sent = 0;
        int answered = 0;
        for (Request r : requests) {
            if (r.sentMillis() >= from && r.sentMillis() < to && !faulty.contains(r.pinnedNode()) && r.endMillis() <= nextStrike
                    && outages.stream().noneMatch(o -> o.covers(r))) {
                sent++;
                answered += r.answered() ? 1 : 0;
            }
        }
        windows.add(new Window(label, from, to, sent, answered));
    }
}
