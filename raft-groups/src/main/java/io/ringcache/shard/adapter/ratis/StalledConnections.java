package io.ringcache.shard.adapter.ratis;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops this host's Raft connection to a peer that has answered none of the groups this host
 * leads for {@link #STALL_MILLIS}, so that the next append or heartbeat opens a new one. Ticked
 * once a second on the host's ticker thread.
 *
 * <p>Why: Ratis 3.3.0's gRPC channels between servers have no keepalive, and on an error its log
 * appender only resets the channel's connect backoff. A partition that drops packets leaves the
 * TCP connection with unacknowledged data; once it heals, the kernel sends that data again only
 * when its exponential retransmission backoff next fires, and every append and heartbeat of every
 * group to that peer waits behind it. The fault suite saw a leader hear nothing from a follower
 * for 25-28 s after a 12-s partition of that follower had healed; when the third replica was cut
 * off next, the leader had no majority and its shards stopped (chaos/README.md, finding 16). A
 * new connection after the heal is made at once. A peer that is down or still cut off gets a new
 * connection attempt every {@link #STALL_MILLIS}, which costs one failed connect.
 *
 * <p>A peer counts as answering when any group this host leads heard from it recently: the
 * connection is one per peer, shared by every group.
 */
final class StalledConnections {

    private static final Logger LOG = LoggerFactory.getLogger(StalledConnections.class);

    /**
     * Silence after which a peer's connection is dropped, and the least time between two drops of
     * one peer's connection: more than twice the longest election timeout (a leader steps down
     * after a majority's silence of one), so a follower that is merely slow keeps its connection.
     */
    static final long STALL_MILLIS = 5_000;

    private final Supplier<RaftServer> server;
    private final ShardGroupHost host;
    private final RaftPeerId self;
    /** Peer id to when (System.nanoTime) its connection was last dropped; ticker thread only. */
    private final Map<String, Long> droppedAt = new HashMap<>();

    StalledConnections(Supplier<RaftServer> server, ShardGroupHost host, RaftPeerId self) {
        this.server = server;
        this.host = host;
        this.self = self;
    }

    /** One check; never throws. */
    void tick() {
        try {
            Map<String, Long> youngest = new HashMap<>();
            for (int shardId : host.hostedShards()) {
                host.division(shardId).ifPresent(d -> ShardMembership.answerAges(d)
                        .forEach((peer, age) -> youngest.merge(peer, age, Math::min)));
            }
            youngest.remove(self.toString());
            long now = System.nanoTime();
            for (String peer : toDrop(youngest, droppedAt, now)) {
                droppedAt.put(peer, now);
                String why = "no answer from " + peer + " in any group led here for " + youngest.get(peer) + " ms";
                long took = drop(server.get().getServerRpc(), RaftPeerId.valueOf(peer), new IOException(why));
                LOG.info("{}: {}; dropped the connection to it in {} ms", self, why, took);
            }
        } catch (RuntimeException e) {
            LOG.warn("stalled-connection check failed on {}", self, e);
        }
    }

    /**
     * Closes this server's channels to {@code peer} now, cancelling every call on them, so that the
     * next append or heartbeat opens a new connection; returns the milliseconds it took.
     *
     * <p>Why the interrupt flag: Ratis closes a peer's proxy gracefully, one channel after the
     * other (heartbeats, then appends), waiting up to 3 s for open calls to end and then up to 2 s
     * after cancelling them. A log appender whose append stream is stuck behind the dead connection
     * waits inside its send loop for gRPC flow control until that stream is cancelled, and that
     * loop also sends the group's heartbeats. So a plain reset left every group's appends and
     * heartbeats to the peer stopped for up to 10 s more, while this thread sat in the waits: the
     * fault suite saw a leader step down that way (chaos/README.md, finding 18). With this thread's
     * interrupt flag set, each of those waits returns at once (Ratis restores the flag and goes on
     * to the forced shutdown), so both channels are cancelled within the call. The flag is cleared
     * before returning; nothing else runs on this thread in between.
     */
    static long drop(RaftServerRpc rpc, RaftPeerId peer, IOException why) {
        long start = System.nanoTime();
        Thread.currentThread().interrupt();
        try {
            rpc.handleException(peer, why, true);
        } finally {
            Thread.interrupted();
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /**
     * The peers whose connection to drop now: silent for {@link #STALL_MILLIS} (youngest answer
     * age over the groups led here) and not dropped within the last {@link #STALL_MILLIS}.
     */
    static List<String> toDrop(Map<String, Long> youngestAnswerMillis, Map<String, Long> droppedAtNanos, long nowNanos) {
        List<String> out = new ArrayList<>();
        youngestAnswerMillis.forEach((peer, age) -> {
            Long last = droppedAtNanos.get(peer);
            if (age >= STALL_MILLIS && (last == null || nowNanos - last >= TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS))) {
                out.add(peer);
            }
        });
        out.sort(null);
        return out;
    }
}
