package io.ringcache.shard.adapter.ratis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees a shard replica wedged by a deadlock inside Ratis 3.3.0 when a listener (a learner) is
 * promoted to a voter. Ticked once a second on the host's ticker thread.
 *
 * <p>The deadlock, read in Ratis 3.3.0's source (it came with RATIS-2378, "fix listener role
 * transition"; no Ratis JIRA reports it as of this writing):
 * <pre>
 *   gRPC thread, appendEntriesAsync            FollowerState thread of the same division
 *   ─────────────────────────────────          ─────────────────────────────────────────
 *   synchronized (division) {                  sleep(election timeout); wakes up
 *     ServerState.updateConfiguration(entries) shouldRun(): a listener runs → true
 *       the entries hold the configuration     synchronized (division)   ← BLOCKED here,
 *       that makes this listener a voter:        the gRPC thread holds it
 *       changeToFollower(): role = FOLLOWER,
 *       old FollowerState.stopRunning()
 *       .join()   ← waits for the thread on the right to end, which waits for this lock
 * </pre>
 * The FollowerState thread of a listener takes the division's lock every election timeout, so
 * the window is the few milliseconds the promoting append holds it. Once wedged, the replica
 * answers no append and no vote in that group again. When the promotion takes a group from one
 * voter to two, the group can then elect no leader at all: the new configuration needs the wedged
 * replica. The fault suite met this once in its three long tiers (chaos/README.md, finding 19).
 *
 * <p>The release: the FollowerState that was told to stop ({@code isRunning} false) will never
 * do anything once it gets the lock (its next check of {@code isRunning} ends it), so completing
 * its {@code stopped} future, the one being joined, early is what would have happened a moment
 * later without the lock. The append then goes on, leaves the lock, and the old thread ends.
 * This reaches two private fields of Ratis' {@code FollowerState} by reflection; the Ratis
 * version is pinned (3.3.0) and {@code ListenerPromotionDeadlockIT} fails if the fields go.
 */
final class ListenerPromotionDeadlocks {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerPromotionDeadlocks.class);

    static final String FOLLOWER_STATE = "org.apache.ratis.server.impl.FollowerState";
    private static final String SERVER_STATE = "org.apache.ratis.server.impl.ServerState";
    /** Deep enough to reach updateConfiguration under the join (7 frames in Java 17). */
    private static final int OWNER_STACK_DEPTH = 24;

    private final String threadPrefix;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** @param peerId this host's Raft peer id: its divisions' threads are named {@code <peerId>@group-...} */
    ListenerPromotionDeadlocks(String peerId) {
        this.threadPrefix = peerId + "@";
    }

    /** One check; never throws. Returns how many wedged divisions it freed. */
    int tick() {
        int freed = 0;
        try {
            for (Thread followerState : blockedFollowerStates()) {
                ThreadInfo blocked = threads.getThreadInfo(followerState.getId(), 0);
                if (blocked == null || blocked.getLockOwnerId() < 0) {
                    continue;
                }
                ThreadInfo owner = threads.getThreadInfo(blocked.getLockOwnerId(), OWNER_STACK_DEPTH);
                if (owner == null || !joinsUnderUpdateConfiguration(owner) || isRunning(followerState)) {
                    continue;
                }
                if (stopped(followerState).complete(null)) {
                    freed++;
                    LOG.warn("{} was deadlocked with {} promoting a listener to a voter (a Ratis 3.3.0 bug);"
                            + " released it", followerState.getName(), owner.getThreadName());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("listener-promotion deadlock check failed on {}", threadPrefix, e);
        }
        return freed;
    }

    /** This host's FollowerState threads that wait for a lock now. */
    private List<Thread> blockedFollowerStates() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() * 2 + 16];
        int n = root.enumerate(all, true);
        List<Thread> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = all[i];
            if (t.getState() == Thread.State.BLOCKED && t.getClass().getName().equals(FOLLOWER_STATE)
                    && t.getName().startsWith(threadPrefix)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The lock owner parks in {@code CompletableFuture.join} called from {@code ServerState.updateConfiguration}. */
    static boolean joinsUnderUpdateConfiguration(ThreadInfo owner) {
        if (owner.getThreadState() != Thread.State.WAITING) {
            return false;
        }
        boolean joining = false;
        for (StackTraceElement frame : owner.getStackTrace()) {
            if (frame.getClassName().equals(CompletableFuture.class.getName()) && frame.getMethodName().equals("join")) {
                joining = true;
            } else if (joining && frame.getClassName().equals(SERVER_STATE)
                    && frame.getMethodName().equals("updateConfiguration")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRunning(Thread followerState) throws ReflectiveOperationException {
        return (boolean) field(followerState, "isRunning").get(followerState);
    }

    private static CompletableFuture<?> stopped(Thread followerState) throws ReflectiveOperationException {
        return (CompletableFuture<?>) field(followerState, "stopped").get(followerState);
    }

    private static Field field(Thread followerState, String name) throws NoSuchFieldException {
        Field f = followerState.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
