package io.ringcache.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CommitQueueProperties {

    /**
     * Random interleavings of arrivals and completions: every write is sent exactly once, in
     * arrival order; entries in flight never exceed the limit; batches respect their bounds; and
     * nothing waits while fewer entries than the limit are in flight.
     */
    @Property(tries = 500)
    void sendsEverythingOnceInOrderWithinLimits(@ForAll @Size(max = 200) List<@IntRange(min = 1, max = 300) Integer> sizes,
                                                @ForAll @Size(max = 200) List<Boolean> completeFirst,
                                                @ForAll @IntRange(min = 1, max = 3) int maxInFlight,
                                                @ForAll @IntRange(min = 1, max = 8) int maxCommands) {
        long maxBytes = 500;
        CommitQueue<Integer> queue = new CommitQueue<>(maxInFlight, maxCommands, maxBytes);
        ArrayDeque<List<Integer>> inFlight = new ArrayDeque<>();
        List<Integer> sent = new ArrayList<>();
        int next = 0;
        int step = 0;
        while (next < sizes.size() || !inFlight.isEmpty()) {
            boolean complete = !inFlight.isEmpty()
                    && (next >= sizes.size() || (step < completeFirst.size() && completeFirst.get(step)));
            step++;
            List<Integer> batch;
            if (complete) {
                inFlight.poll();
                batch = queue.completed();
            } else {
                int id = next++;
                batch = queue.offer(id, sizes.get(id));
            }
            if (!batch.isEmpty()) {
                assertTrue(batch.size() <= maxCommands);
                long bytes = batch.stream().mapToLong(sizes::get).sum();
                assertTrue(batch.size() == 1 || bytes <= maxBytes, "batch of " + bytes + " bytes");
                sent.addAll(batch);
                inFlight.add(batch);
            }
            assertTrue(inFlight.size() <= maxInFlight);
            assertEquals(inFlight.size(), queue.inFlight());
            assertTrue(queue.waiting() == 0 || queue.inFlight() == maxInFlight, "writes wait while a slot is free");
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            expected.add(i);
        }
        assertEquals(expected, sent);
    }

    @Test
    void aLoneWriteGoesAtOnceAndCompletionsMustMatchBatches() {
        CommitQueue<String> queue = new CommitQueue<>(1, 10, 100);
        assertEquals(List.of("a"), queue.offer("a", 1));
        assertEquals(List.of(), queue.offer("b", 1));
        assertEquals(List.of(), queue.offer("c", 1));
        assertEquals(List.of("b", "c"), queue.completed());
        assertEquals(List.of(), queue.completed());
        assertThrows(IllegalStateException.class, queue::completed);
        assertThrows(IllegalArgumentException.class, () -> new CommitQueue<String>(0, 1, 1));
    }
}
