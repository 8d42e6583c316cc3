package io.ringcache.node.adapter.grpc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client sessions this store tags forwarded single writes with, for callers that do not tag
 * their own (HTTP, RESP): deletes, compare-and-sets, touches and the Redis protocol's commands.
 * A tag lets the write be sent again after a failure that may have applied ({@link ForwardResend})
 * and still apply once ({@code ClientSessions} in the shard).
 *
 * <p>Per shard, {@link #PER_SHARD} sessions, each with one write in flight at a time: a write
 * takes a free session, gets its next sequence, and gives the session back when it is answered.
 * One write in flight per session keeps every resend inside the shard's window of remembered
 * results (it remembers the last 1,024 per client), however long the resend takes. When every
 * session of a shard is busy, the write goes untagged as before: a burst beyond
 * {@code PER_SHARD} concurrent forwarded writes to one shard is not sent again after such a
 * failure, rather than waiting for a session.
 *
 * <p>The cost lands in the shards ({@code ClientSessions}), and is not small: each session's
 * client keeps up to 1,024 results there, so a shard may hold 32 x 1,024 results per forwarding
 * store, and 32 more clients after each restart of that store (new ids), up to the shard's cap of
 * 10,000 clients (the least recently used go first). A failed compare-and-set's result and a
 * Redis GETSET's or GETDEL's carry a value. They are kept in memory outside the shard's budget
 * and travel in snapshots. Only the last result of a session is ever needed (one write in flight);
 * letting a tagged write say which sequences its client no longer needs would cut this to one
 * result per session, which the request header does not carry yet.
 *
 * <p>Thread-safe; lives as long as the forwarder.
 */
final class ForwardSessions {

    static final int PER_SHARD = 32;

    /** One session: its client id (never 0, which means untagged) and its last sequence. */
    static final class Session {
        final long clientId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        private long sequence;
        private final AtomicBoolean busy = new AtomicBoolean();

        /** The next sequence; only the holder of the session calls it. */
        long nextSequence() {
            return ++sequence;
        }
    }

    private final Map<Integer, Session[]> byShard = new ConcurrentHashMap<>();

    /** A free session of the shard, now held by the caller; null when all are busy. */
    Session take(int shardId) {
        Session[] sessions = byShard.computeIfAbsent(shardId, k -> newSessions());
        int start = ThreadLocalRandom.current().nextInt(sessions.length);
        for (int i = 0; i < sessions.length; i++) {
            Session s = sessions[(start + i) % sessions.length];
            if (s.busy.compareAndSet(false, true)) {
                return s;
            }
        }
        return null;
    }

    /** Gives a session back once its write is answered or given up on. */
    void giveBack(Session session) {
        session.busy.set(false);
    }

    private static Session[] newSessions() {
        Session[] out = new Session[PER_SHARD];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Session();
        }
        return out;
    }
}
