package io.ringcache.client.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link LaneQueue} against its rules: never more calls in flight than allowed; every request is
 * sent exactly once, in arrival order; a batch stays within its count and byte bounds unless it
 * is a single oversized request; and nothing is left queued once every call has returned.
 */
class LaneQueueProperties {

    @Property(tries = 300)
    void batchesRespectTheBoundsAndLoseNothing(
            @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 3000) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 4) int maxInFlight,
            @ForAll @IntRange(min = 1, max = 16) int maxBatch,
            @ForAll @IntRange(min = 1, max = 5000) int maxBytes,
            @ForAll @Size(min = 1, max = 200) List<Boolean> returnFirst) {
        LaneQueue<int[]> lane = new LaneQueue<>(maxInFlight, maxBatch, maxBytes, r -> r[1]);
        List<List<int[]>> inFlight = new ArrayList<>();
        List<Integer> sent = new ArrayList<>();
        int step = 0;
        for (int i = 0; i < sizes.size(); i++) {
            // Some calls return between offers, in whatever order the script says.
            while (!inFlight.isEmpty() && returnFirst.get(step++ % returnFirst.size())) {
                accept(lane.done(), inFlight, sent, maxBatch, maxBytes);
                inFlight.remove(0);
            }
            accept(lane.offer(new int[] {i, sizes.get(i)}), inFlight, sent, maxBatch, maxBytes);
            assertTrue(inFlight.size() <= maxInFlight, "in flight " + inFlight.size());
        }
        while (!inFlight.isEmpty()) {
            inFlight.remove(0);
            accept(lane.done(), inFlight, sent, maxBatch, maxBytes);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            expected.add(i);
        }
        assertEquals(expected, sent);
    }

    private static void accept(List<int[]> batch, List<List<int[]>> inFlight, List<Integer> sent,
                               int maxBatch, int maxBytes) {
        if (batch.isEmpty()) {
            return;
        }
        assertTrue(batch.size() <= maxBatch);
        long bytes = batch.stream().mapToLong(r -> r[1]).sum();
        assertTrue(batch.size() == 1 || bytes <= maxBytes, "batch of " + batch.size() + " is " + bytes + " bytes");
        batch.forEach(r -> sent.add(r[0]));
        inFlight.add(batch);
    }

    @Test
    void anOversizedRequestLeavesAloneAndDoesNotHoldBackTheOthers() {
        LaneQueue<Integer> lane = new LaneQueue<>(1, 10, 100, r -> r);
        assertEquals(List.of(5), lane.offer(5));
        assertEquals(List.of(), lane.offer(500));
        assertEquals(List.of(), lane.offer(60));
        assertEquals(List.of(), lane.offer(50));
        assertEquals(List.of(500), lane.done());
        assertEquals(List.of(60), lane.done());
        assertEquals(List.of(50), lane.done());
        assertEquals(List.of(), lane.done());
    }
}
