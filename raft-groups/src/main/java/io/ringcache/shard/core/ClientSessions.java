package io.ringcache.shard.core;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What makes a retried write apply once: per client, the results of its most recent tagged
 * writes ({@link Command.Tagged}), keyed by sequence number. A write whose (client, sequence)
 * is remembered is answered with the remembered result and not applied again.
 *
 * <p>Bounded: each client keeps its {@link #RESULTS_PER_CLIENT} highest sequences (clients
 * pipeline that many writes at most; older sequences below the kept window are answered as
 * "too old to tell", never re-applied), and at most {@link #MAX_CLIENTS} clients are kept, the
 * one unused for longest being forgotten first. Every decision depends only on the applied
 * entries, so all replicas agree; the table travels in snapshots. Touched only by the apply thread.
 */
public final class ClientSessions {

    public static final int RESULTS_PER_CLIENT = 1024;
    public static final int MAX_CLIENTS = 10_000;

    /** Per client: results by sequence, and the highest sequence forgotten (0 = none). */
    static final class Session {
        final TreeMap<Long, CommandResult> results = new TreeMap<>();
        long forgottenUpTo;
    }

    /** Access order: the least recently used client comes first. */
    private final LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    /** The remembered result of (client, sequence), or null when this write is new. */
    CommandResult remembered(long clientId, long sequence) {
        Session s = sessions.get(clientId);
        if (s == null) {
            return null;
        }
        CommandResult r = s.results.get(sequence);
        if (r != null) {
            return r;
        }
        if (sequence <= s.forgottenUpTo) {
            return new CommandResult.Rejected(ShardError.INVALID_ARGUMENT, "sequence " + sequence + " of client "
                    + Long.toUnsignedString(clientId) + " is too old to tell whether it applied; the shard keeps the last "
                    + RESULTS_PER_CLIENT + " per client");
        }
        return null;
    }

    void remember(long clientId, long sequence, CommandResult result) {
        Session s = sessions.computeIfAbsent(clientId, c -> new Session());
        s.results.put(sequence, result);
        while (s.results.size() > RESULTS_PER_CLIENT) {
            s.forgottenUpTo = Math.max(s.forgottenUpTo, s.results.pollFirstEntry().getKey());
        }
        if (sessions.size() > MAX_CLIENTS) {
            Iterator<Long> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    public int clients() {
        return sessions.size();
    }

    void clear() {
        sessions.clear();
    }

    /** The sessions in least-recently-used order, for snapshots. */
    Map<Long, Session> view() {
        return sessions;
    }

    /** Restores one session (snapshot order is least recently used first, so access order is kept). */
    void restore(long clientId, long forgottenUpTo, List<Long> sequences, List<CommandResult> results) {
        Session s = new Session();
        s.forgottenUpTo = forgottenUpTo;
        for (int i = 0; i < sequences.size(); i++) {
            s.results.put(sequences.get(i), results.get(i));
        }
        sessions.put(clientId, s);
    }
}
