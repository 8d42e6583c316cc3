package io.ringcache.node.adapter.grpc;

import io.ringcache.shard.core.ClientSessions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client sessions this store tags forwarded single writes with, for callers that do not tag
 * their own (HTTP, RESP): deletes, compare-and-sets, touches and the Redis protocol's commands.
 * A tag lets the write be sent again after a failure that may have applied ({@link ForwardResend})
 * and still apply once ({@code ClientSessions} in the shard).
 *
 * <h2>Windows</h2>
 * Per shard, {@link #PER_SHARD} sessions. Each hands out sequences inside a sliding window:
 * <pre>
 *   answered ... | oldest ......... next | free
 *                  &lt;-- fewer than WINDOW --&gt;
 * </pre>
 * A write takes the next sequence of a session whose window has room ({@link Ticket}) and gives
 * it back when it is answered or given up on; {@code oldest} then moves past every answered
 * sequence. Invariant: while a sequence is held, its session issues fewer than {@link #WINDOW}
 * (512) higher ones, so the shard, which keeps each client's 1,024 highest results, still has
 * the held one's result when a resend arrives, however long the resend takes. Sequences of one
 * session may apply out of order; the shard's table allows that.
 *
 * <p>When every window of a shard is full (more than {@value #PER_SHARD} x 512 writes in flight
 * to it from this store, or writes held that long by resends), {@link #take} answers null and the
 * caller refuses the write as not applied, which the request path sends again after a pause: a
 * write of such a caller is never sent untagged, so never applied twice.
 *
 * <p>The cost lands in the shards ({@code ClientSessions}): each session's client keeps up to
 * 1,024 results there, so a shard holds at most 4 x 1,024 results per forwarding store, and 4
 * more clients after each restart of that store (new ids), up to the shard's cap of 10,000
 * clients (the least recently used go first). A failed compare-and-set's result and a Redis
 * GETSET's or GETDEL's carry a value. They are kept in memory outside the shard's budget and
 * travel in snapshots.
 *
 * <p>Thread-safe; lives as long as the forwarder.
 */
final class ForwardSessions {

    static final int PER_SHARD = 4;
    /** Sequences a session may have issued past its oldest unanswered one; half the shard's table. */
    static final int WINDOW = ClientSessions.RESULTS_PER_CLIENT / 2;

    /** A held sequence of a session; give it back once. */
    record Ticket(Session session, long sequence) {
        long clientId() {
            return session.clientId;
        }
    }

    /** One session: its client id (never 0, which means untagged) and its window of sequences. */
    static final class Session {
        final long clientId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        /** The last sequence issued (0: none). */
        private long next;
        /** Every sequence below it is answered; those from it to {@code next} may be held. */
        private long oldest = 1;
        /** Held sequences, at {@code sequence % WINDOW}: no two held ones share a slot. */
        private final boolean[] held = new boolean[WINDOW];

        /** The next sequence, now held, or 0 when the window is full. */
        synchronized long issue() {
            if (next + 1 - oldest >= WINDOW) {
                return 0;
            }
            long sequence = ++next;
            held[slot(sequence)] = true;
            return sequence;
        }

        synchronized void answered(long sequence) {
            held[slot(sequence)] = false;
            while (oldest <= next && !held[slot(oldest)]) {
                oldest++;
            }
        }

        synchronized int inFlight() {
            int n = 0;
            for (long s = oldest; s <= next; s++) {
                n += held[slot(s)] ? 1 : 0;
            }
            return n;
        }

        private static int slot(long sequence) {
            return (int) (sequence % WINDOW);
        }
    }

    private final Map<Integer, Session[]> byShard = new ConcurrentHashMap<>();

    /** A sequence of one of the shard's sessions, now held by the caller; null when every window is full. */
    Ticket take(int shardId) {
        Session[] sessions = byShard.computeIfAbsent(shardId, k -> newSessions());
        int start = ThreadLocalRandom.current().nextInt(sessions.length);
        for (int i = 0; i < sessions.length; i++) {
            Session s = sessions[(start + i) % sessions.length];
            long sequence = s.issue();
            if (sequence != 0) {
                return new Ticket(s, sequence);
            }
        }
        return null;
    }

    /** Gives a ticket back once its write is answered or given up on. */
    void giveBack(Ticket ticket) {
        ticket.session().answered(ticket.sequence());
    }

    private static Session[] newSessions() {
        Session[] out = new Session[PER_SHARD];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Session();
        }
        return out;
    }
}
