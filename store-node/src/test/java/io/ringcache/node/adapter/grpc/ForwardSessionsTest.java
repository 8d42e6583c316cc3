package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** {@link ForwardSessions}' windows: against a model of held sequences per session. */
class ForwardSessionsTest {

    @Test
    void windowsFillThenFreeFromTheirOldestSequence() {
        ForwardSessions sessions = new ForwardSessions();
        List<ForwardSessions.Ticket> held = new ArrayList<>();
        ForwardSessions.Ticket t;
        while ((t = sessions.take(7)) != null) {
            held.add(t);
        }
        assertEquals(ForwardSessions.PER_SHARD * ForwardSessions.WINDOW, held.size());
        assertNotNull(sessions.take(8), "another shard has its own sessions");
        // Answering a young sequence frees nothing: the oldest still holds the window.
        ForwardSessions.Ticket oldest = held.get(0);
        ForwardSessions.Ticket young = held.stream().filter(x -> x.session() == oldest.session())
                .reduce((a, b) -> b).orElseThrow();
        sessions.giveBack(young);
        assertNull(sessions.take(7));
        sessions.giveBack(oldest);
        ForwardSessions.Ticket next = sessions.take(7);
        assertNotNull(next);
        assertEquals(oldest.session(), next.session());
        assertEquals(ForwardSessions.WINDOW + 1, next.sequence(), "the next sequence of that session");
    }

    /**
     * Any interleaving of takes and give-backs: tickets are never handed out twice, sequences of a
     * session only grow, a take fails only when every session holds a full window, and while a
     * sequence is held its session never issues {@code WINDOW} or more sequences above it.
     */
    @Property(tries = 300)
    void heldSequencesStayInsideTheirWindow(@ForAll long seed) {
        Random random = new Random(seed);
        ForwardSessions sessions = new ForwardSessions();
        List<ForwardSessions.Ticket> held = new ArrayList<>();
        Map<ForwardSessions.Session, TreeSet<Long>> model = new HashMap<>();
        Map<ForwardSessions.Session, Long> last = new HashMap<>();
        Set<String> issued = new HashSet<>();
        for (int step = 0; step < 6_000; step++) {
            if (held.isEmpty() || random.nextInt(100) < 55) {
                ForwardSessions.Ticket t = sessions.take(1);
                if (t == null) {
                    assertEquals(ForwardSessions.PER_SHARD, model.size());
                    model.forEach((s, seqs) -> assertTrue(last.get(s) + 1 - seqs.first() >= ForwardSessions.WINDOW));
                    continue;
                }
                assertTrue(issued.add(t.clientId() + "/" + t.sequence()));
                assertTrue(t.sequence() > last.getOrDefault(t.session(), 0L));
                last.put(t.session(), t.sequence());
                model.computeIfAbsent(t.session(), s -> new TreeSet<>()).add(t.sequence());
                held.add(t);
            } else {
                // Mostly the youngest go back first, so old ones linger as a stuck resend would.
                int i = random.nextInt(4) == 0 ? random.nextInt(held.size()) : held.size() - 1 - random.nextInt(Math.min(held.size(), 8));
                ForwardSessions.Ticket t = held.remove(i);
                sessions.giveBack(t);
                model.get(t.session()).remove(t.sequence());
            }
            model.forEach((s, seqs) -> {
                if (!seqs.isEmpty()) {
                    assertTrue(last.get(s) - seqs.first() < ForwardSessions.WINDOW, "a held sequence left its window");
                }
                assertEquals(seqs.size(), s.inFlight());
            });
        }
    }
}
