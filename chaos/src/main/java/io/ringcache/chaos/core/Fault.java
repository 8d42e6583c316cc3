package io.ringcache.chaos.core;

import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One fault a nemesis does to the cluster, named by node (1..n). A node runs one placement-driver
 * member and one store in its own network namespace; the clients run outside every node.
 */
public sealed interface Fault {

    /** What a log line, a schedule file and a report call the fault. */
    String describe();

    /** The nodes the fault leaves unable to serve (crashed, paused, out of disk); partitions name none. */
    default Set<Integer> faultyNodes() {
        return Set.of();
    }

    /** A directed link: packets from {@code from} to {@code to} are dropped while it is blocked. */
    record Link(int from, int to) {
        public Link {
            if (from == to || from < 1 || to < 1) {
                throw new IllegalArgumentException("no link " + from + "->" + to);
            }
        }
    }

    /**
     * Packets along every link in {@code blocked} are dropped (both TCP directions of a pair are
     * blocked only when both links are listed). {@code shape} names how it was drawn.
     */
    record Partition(String shape, Set<Link> blocked) implements Fault {
        public Partition {
            Objects.requireNonNull(shape, "shape");
            blocked = Set.copyOf(blocked);
            if (blocked.isEmpty()) {
                throw new IllegalArgumentException("a partition blocks at least one link");
            }
        }

        @Override
        public String describe() {
            return "partition " + shape + " " + blocked.stream()
                    .sorted(Comparator.comparingInt(Link::from).thenComparingInt(Link::to))
                    .map(l -> l.from() + "->" + l.to()).collect(Collectors.joining(",", "[", "]"));
        }
    }

    /**
     * The node whose store leads the most shards when the fault begins is cut off from every other
     * node both ways (chosen then, from the placement driver's view, since leaders move); like any
     * partition it names no faulty node. {@code nodes} is the cluster's size.
     */
    record IsolateLeader(int nodes) implements Fault {
        public IsolateLeader {
            if (nodes < 3) {
                throw new IllegalArgumentException("isolating a leader needs 3 nodes, got " + nodes);
            }
        }

        @Override
        public String describe() {
            return "partition isolate-busiest-leader";
        }

        /** The links to block to cut {@code node} off from the others, both ways. */
        public Set<Link> isolating(int node) {
            Set<Link> links = new java.util.HashSet<>();
            for (int other : Fault.nodes(nodes)) {
                if (other != node) {
                    links.add(new Link(node, other));
                    links.add(new Link(other, node));
                }
            }
            return links;
        }
    }

    /** Which process of a node a process fault strikes. */
    enum Process { STORE, PD }

    /** kill -9 of the node's process; it is restarted on the same data folder when the fault ends. */
    record Kill(int node, Process process) implements Fault {
        @Override
        public String describe() {
            return "kill -9 " + process.name().toLowerCase() + "@n" + node;
        }

        @Override
        public Set<Integer> faultyNodes() {
            return process == Process.STORE ? Set.of(node) : Set.of();
        }
    }

    /** SIGSTOP of the node's process; SIGCONT when the fault ends. */
    record Pause(int node, Process process) implements Fault {
        @Override
        public String describe() {
            return "pause " + process.name().toLowerCase() + "@n" + node;
        }

        @Override
        public Set<Integer> faultyNodes() {
            return process == Process.STORE ? Set.of(node) : Set.of();
        }
    }

    /** Random loss of {@code percent}% of the packets arriving at the node. */
    record Loss(int node, int percent) implements Fault {
        public Loss {
            if (percent < 1 || percent > 99) {
                throw new IllegalArgumentException("loss percent " + percent);
            }
        }

        @Override
        public String describe() {
            return "loss " + percent + "% into n" + node;
        }
    }

    /**
     * The node's link throttled to {@code kbitPerSecond} with a queue that holds up to
     * {@code queueMillis} of traffic: a slow, congested link (queueing delay, then drops).
     */
    record SlowLink(int node, int kbitPerSecond, int queueMillis) implements Fault {
        @Override
        public String describe() {
            return "slow link n" + node + " " + kbitPerSecond + "kbit/s queue " + queueMillis + "ms";
        }
    }

    /**
     * Every packet between the node and its peers, both ways, held {@code delayMillis} plus or minus
     * up to {@code jitterMillis} (uniform) before it goes on: a distant or jittery link. With a
     * jitter wider than the gap between two packets the later one may arrive first, so the links
     * also reorder. The clients' traffic to the node is not delayed; like a partition it names no
     * faulty node.
     */
    record Latency(int node, int delayMillis, int jitterMillis) implements Fault {
        public Latency {
            if (node < 1 || delayMillis < 1 || jitterMillis < 0 || jitterMillis > delayMillis) {
                throw new IllegalArgumentException("latency n" + node + " " + delayMillis + "+-" + jitterMillis
                        + " ms: need a node >= 1, a delay >= 1 ms and a jitter of 0..delay");
            }
        }

        @Override
        public String describe() {
            return "latency n" + node + " " + delayMillis + "+-" + jitterMillis + "ms to and from its peers";
        }
    }

    /** The filesystem under the node's store data fills up: every further write fails with ENOSPC. */
    record DiskFull(int node) implements Fault {
        @Override
        public String describe() {
            return "disk full n" + node;
        }

        @Override
        public Set<Integer> faultyNodes() {
            return Set.of(node);
        }
    }

    /**
     * The disk under the node's store fails every fsync and fdatasync with EIO (the faulty file system), in the
     * running store and in every store started on the node until the fault heals: a disk that has
     * gone bad, which a restart does not mend.
     */
    record FsyncFails(int node) implements Fault {
        @Override
        public String describe() {
            return "fsync fails n" + node;
        }

        @Override
        public Set<Integer> faultyNodes() {
            return Set.of(node);
        }
    }

    /**
     * The disk under the node's store fails with EIO: its writes (every write, fsync, create,
     * rename and delete), its reads, or both, from a file system under the store's Raft folder
     * that fails them, in the running store and in every store started on the node until the fault
     * heals. A disk that has gone bad in a way the store sees on its next read or write, not only
     * on fsync. When reads fail the store is also killed and restarted onto the disk at once: a
     * running store reads its Raft log only when a follower falls behind its cache, and a restart
     * reads all of it, so that is where unreadable sectors are met.
     */
    record IoErrors(int node, boolean writes, boolean reads) implements Fault {
        public IoErrors {
            if (!writes && !reads) {
                throw new IllegalArgumentException("io errors of neither reads nor writes");
            }
        }

        @Override
        public String describe() {
            return "io errors n" + node + " (" + (writes && reads ? "reads and writes" : writes ? "writes" : "reads") + " fail"
                    + (reads ? ", store restarted onto them" : "") + ")";
        }

        @Override
        public Set<Integer> faultyNodes() {
            return Set.of(node);
        }
    }

    /**
     * The disk under the node's store tears a write: the store's next write reaches the disk in
     * part (its first half) and fails with EIO, and every write fails after it until the fault
     * heals (a disk that died in the middle of a write), in the running store and in every store
     * started there meanwhile. After the heal the store restarts onto files whose last write is
     * torn: the end of its open Raft log segment, a snapshot, or the term-and-vote file.
     */
    record TornWrite(int node) implements Fault {
        @Override
        public String describe() {
            return "torn write n" + node + " (then writes fail)";
        }

        @Override
        public Set<Integer> faultyNodes() {
            return Set.of(node);
        }
    }

    /**
     * The disk under the node's store takes each write in part: at most half of its bytes, and
     * says so without an error, as write(2) may. Nothing fails, so the node is not faulty: its
     * store must go on serving, and a writer that does not write the rest would lose it.
     */
    record ShortWrites(int node) implements Fault {
        @Override
        public String describe() {
            return "short writes n" + node;
        }
    }

    /**
     * The wall clock of the node's store jumps by {@code offsetMillis} (either way) and stays off
     * by that much until the fault heals, when it jumps back. The monotonic clock (what Raft's
     * timers and leases measure with) is untouched, as NTP leaves it when it steps a clock.
     */
    record ClockJump(int node, long offsetMillis) implements Fault {
        public ClockJump {
            if (offsetMillis == 0) {
                throw new IllegalArgumentException("a clock jump of 0 ms");
            }
        }

        @Override
        public String describe() {
            return "clock n" + node + " " + (offsetMillis > 0 ? "+" : "") + offsetMillis + "ms";
        }
    }

    /**
     * A deposed leader whose clock runs slow: the node whose store leads the most shards when the
     * fault begins (chosen then) has the clock its read leases are measured with run at
     * {@code rate} of the real rate, and is then cut off from every other node both ways, the
     * clients still reaching it. Its lease outlasts its leadership by a factor of {@code 1 / rate},
     * so reads it answers from its lease may be stale once the majority elected another leader,
     * unless the lease's margin covers the slowdown (the leases assume {@code rate >= 0.9}).
     * Like a partition it names no faulty node; the clock runs at the real rate again when it heals.
     */
    record SlowLeaseClock(int nodes, double rate) implements Fault {
        public SlowLeaseClock {
            if (nodes < 3 || !(rate > 0 && rate < 1)) {
                throw new IllegalArgumentException("a slow lease clock needs 3 nodes and a rate in (0, 1), got " + nodes + ", " + rate);
            }
        }

        @Override
        public String describe() {
            return String.format(java.util.Locale.ROOT, "slow lease clock x%.3f, busiest leader isolated", rate);
        }

        /** The links to block to cut {@code node} off from the others, both ways. */
        public Set<Link> isolating(int node) {
            return new IsolateLeader(nodes).isolating(node);
        }
    }

    /**
     * Placement moves while the fault lasts: every {@code everyMillis} the leadership of a random
     * shard is handed to another of its replicas through the placement driver, as its balancer and
     * an operator's {@code ringctl transfer-leader} do.
     */
    record LeaderChurn(int everyMillis) implements Fault {
        public LeaderChurn {
            if (everyMillis < 100) {
                throw new IllegalArgumentException("leader churn every " + everyMillis + " ms");
            }
        }

        @Override
        public String describe() {
            return "leader churn every " + everyMillis + "ms";
        }
    }

    /**
     * A random shard split through the placement driver ({@code ringctl split}) when the fault
     * begins, while the workloads run: its keys in half of its slots move to a new shard on the
     * same stores. Not undone.
     */
    record Split() implements Fault {
        @Override
        public String describe() {
            return "split";
        }
    }

    /** kill -9 of whichever placement-driver member leads when the fault begins; restarted when it ends. */
    record KillPdLeader() implements Fault {
        @Override
        public String describe() {
            return "kill -9 pd leader";
        }
    }

    /**
     * A replica of a random shard moved to a store that has none, through the placement driver
     * ({@code ringctl move-replica}), when the fault begins; the move is not undone. Needs more
     * nodes than a shard has replicas.
     */
    record ReplicaMove() implements Fault {
        @Override
        public String describe() {
            return "replica move";
        }
    }

    /**
     * A random store drained through the placement driver ({@code ringctl drain --no-wait}) when
     * the fault begins: its replicas move to the other stores and its leaderships go with them,
     * while the workloads run. Not undone (a drained store is on its way out); at most one per run,
     * and only when at least as many stores stay up as a shard has replicas, so it needs more
     * nodes than that.
     */
    record Drain() implements Fault {
        @Override
        public String describe() {
            return "drain a store";
        }
    }

    /** The nodes of {@code n} nodes, 1..n. */
    static Set<Integer> nodes(int n) {
        Set<Integer> all = new TreeSet<>();
        for (int i = 1; i <= n; i++) {
            all.add(i);
        }
        return all;
    }
}
