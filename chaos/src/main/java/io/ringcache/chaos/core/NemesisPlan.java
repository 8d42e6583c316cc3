package io.ringcache.chaos.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The faults of one run, drawn from its seed before it starts: the same seed, node count, length and
 * kinds always give the same schedule, so a failing run is re-run from its seed. Faults do not
 * overlap: each lasts a while and is healed, then the cluster gets a quiet gap before the next
 * (quiet gaps are where the availability aim is measured, and they let operators and elections
 * finish). At most one node is ever faulty at a time, so every shard keeps a majority of healthy
 * replicas; partitions may still cut any node from any other.
 */
public final class NemesisPlan {

    /** The families of faults a run may draw from. */
    public enum Kind {
        PARTITION, KILL, PAUSE, LOSS, SLOW, DISK, CLOCK, PLACEMENT, LATENCY,
        /**
         * Read and write errors, torn and short writes from a faulty file system under the stores:
         * run only when named, not in "all", while the JVM stops seen in runs on it (with libfiu
         * preloaded too) are not understood (chaos/README.md, "IO errors"). Mixed runs with the
         * disk nemesis put the stores on the same file system for its failing fsyncs.
         */
        IO;

        /** What "all" stands for: every family but {@link #IO}. */
        public static final Set<Kind> ALL = java.util.Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(IO)));

        /** Parses "partition,kill" or "all"; an unknown name is an IllegalArgumentException naming the choices. */
        public static Set<Kind> parse(String list) {
            if (list.isBlank() || list.equals("all")) {
                return EnumSet.copyOf(ALL);
            }
            Set<Kind> kinds = EnumSet.noneOf(Kind.class);
            for (String name : list.split(",")) {
                try {
                    kinds.add(Kind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown nemesis '" + name.trim() + "'; choose from "
                            + EnumSet.allOf(Kind.class).toString().toLowerCase(Locale.ROOT) + " or all");
                }
            }
            return kinds;
        }
    }

    /** One fault, from {@code startMillis} after the run's start, healed {@code durationMillis} later. */
    public record Step(long startMillis, long durationMillis, Fault fault) {
        public long endMillis() {
            return startMillis + durationMillis;
        }
    }

    /** The shortest and longest fault, and the quiet gap after each. */
    public static final long MIN_FAULT_MILLIS = 4_000;
    public static final long MAX_FAULT_MILLIS = 12_000;
    public static final long MIN_QUIET_MILLIS = 4_000;
    public static final long MAX_QUIET_MILLIS = 8_000;

    /** The largest clock jump a plan draws unless told otherwise. */
    public static final long DEFAULT_MAX_CLOCK_JUMP_MILLIS = 2_000;
    /**
     * How much slower than real a lease clock may run unless told otherwise: 10%, the bound the
     * default configuration assumes (the lease is 90% of the minimum election timeout).
     */
    public static final double DEFAULT_MAX_LEASE_SLOWDOWN = 0.1;

    private NemesisPlan() {
    }

    /** {@link #draw(long, int, long, Set, long, double)} with the default clock bounds. */
    public static List<Step> draw(long seed, int nodes, long totalMillis, Set<Kind> kinds) {
        return draw(seed, nodes, totalMillis, kinds, DEFAULT_MAX_CLOCK_JUMP_MILLIS, DEFAULT_MAX_LEASE_SLOWDOWN);
    }

    /** {@link #draw(long, int, long, Set, long, double)} with lease clocks at most {@link #DEFAULT_MAX_LEASE_SLOWDOWN} slow. */
    public static List<Step> draw(long seed, int nodes, long totalMillis, Set<Kind> kinds, long maxClockJumpMillis) {
        return draw(seed, nodes, totalMillis, kinds, maxClockJumpMillis, DEFAULT_MAX_LEASE_SLOWDOWN);
    }

    /**
     * The schedule of a run of {@code totalMillis} over {@code nodes} nodes: faults of the given
     * kinds, the first after a quiet gap, none ending later than {@code totalMillis}. A clock jump
     * is at least a quarter of {@code maxClockJumpMillis} and at most all of it, either way; a slow
     * lease clock runs between half and all of {@code maxLeaseSlowdown} slower than real.
     */
    public static List<Step> draw(long seed, int nodes, long totalMillis, Set<Kind> kinds, long maxClockJumpMillis,
                                  double maxLeaseSlowdown) {
        if (maxClockJumpMillis < 4) {
            throw new IllegalArgumentException("the largest clock jump must be at least 4 ms, got " + maxClockJumpMillis);
        }
        if (!(maxLeaseSlowdown > 0 && maxLeaseSlowdown < 1)) {
            throw new IllegalArgumentException("the lease clock's slowdown must be in (0, 1), got " + maxLeaseSlowdown);
        }
        if (nodes < 3) {
            throw new IllegalArgumentException("a fault suite needs at least 3 nodes, got " + nodes);
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no nemesis kinds chosen");
        }
        // SplittableRandom mixes the seed first: java.util.Random's first draws from neighbouring
        // seeds (run k uses seed + k) are nearly equal, which gave every run the same first fault time.
        Random random = new Random(new SplittableRandom(seed).nextLong());
        List<Kind> choices = List.copyOf(EnumSet.copyOf(kinds));
        List<Step> steps = new ArrayList<>();
        long at = between(random, MIN_QUIET_MILLIS, MAX_QUIET_MILLIS);
        while (true) {
            long duration = between(random, MIN_FAULT_MILLIS, MAX_FAULT_MILLIS);
            if (at + duration > totalMillis) {
                return steps;
            }
            Kind kind = choices.get(random.nextInt(choices.size()));
            steps.add(new Step(at, duration, fault(kind, nodes, random, maxClockJumpMillis, maxLeaseSlowdown)));
            at += duration + between(random, MIN_QUIET_MILLIS, MAX_QUIET_MILLIS);
        }
    }

    /**
     * {@code plan} with every failing-fsync fault made a full disk of the same node at the same
     * time: the schedule of a run with {@code --no-fsync-faults} (the CI short tier), whose stores
     * then need no faulty file system under them (FUSE, which a CI machine may not offer).
     */
    public static List<Step> withoutFsyncFaults(List<Step> plan) {
        return plan.stream().map(s -> s.fault() instanceof Fault.FsyncFails f
                ? new Step(s.startMillis(), s.durationMillis(), new Fault.DiskFull(f.node())) : s).toList();
    }

    private static Fault fault(Kind kind, int nodes, Random random, long maxClockJumpMillis, double maxLeaseSlowdown) {
        int node = 1 + random.nextInt(nodes);
        Fault.Process process = random.nextInt(4) == 0 ? Fault.Process.PD : Fault.Process.STORE;
        return switch (kind) {
            // One partition in four cuts off the node leading the most shards (chosen at the strike).
            case PARTITION -> random.nextInt(4) == 0 ? new Fault.IsolateLeader(nodes) : partition(nodes, random);
            case KILL -> new Fault.Kill(node, process);
            case PAUSE -> new Fault.Pause(node, process);
            case LOSS -> new Fault.Loss(node, 5 + random.nextInt(26));
            case SLOW -> new Fault.SlowLink(node, 256 + random.nextInt(768), 200 + random.nextInt(800));
            // 20-200 ms each way, jittered by up to half of that: a distant link that also reorders.
            case LATENCY -> latency(node, random);
            // Half the disk faults fill the store's disk, half make its fsyncs fail.
            case DISK -> random.nextBoolean() ? new Fault.DiskFull(node) : new Fault.FsyncFails(node);
            // A fifth each: writes, reads (the store restarted onto them) or both fail with EIO, a
            // write is torn (then writes fail), or writes are short.
            case IO -> switch (random.nextInt(5)) {
                case 0 -> new Fault.IoErrors(node, true, false);
                case 1 -> new Fault.IoErrors(node, false, true);
                case 2 -> new Fault.IoErrors(node, true, true);
                case 3 -> new Fault.TornWrite(node);
                default -> new Fault.ShortWrites(node);
            };
            // Half the clock faults jump a wall clock, half slow a deposed leader's lease clock.
            case CLOCK -> random.nextBoolean()
                    ? new Fault.ClockJump(node, (random.nextBoolean() ? 1 : -1) * between(random, maxClockJumpMillis / 4, maxClockJumpMillis))
                    : new Fault.SlowLeaseClock(nodes, 1 - maxLeaseSlowdown * (0.5 + random.nextDouble() / 2));
            // Moves and drains need a store without a replica of the shard: more than 3 nodes.
            case PLACEMENT -> switch (random.nextInt(nodes > 3 ? 5 : 3)) {
                case 0 -> new Fault.LeaderChurn(500 + random.nextInt(1_501));
                case 1 -> new Fault.KillPdLeader();
                case 2 -> new Fault.Split();
                case 3 -> new Fault.ReplicaMove();
                default -> new Fault.Drain();
            };
        };
    }

    private static Fault.Latency latency(int node, Random random) {
        int delay = 20 + random.nextInt(181);
        return new Fault.Latency(node, delay, random.nextInt(delay / 2 + 1));
    }

    /**
     * A partition of one of four shapes: random halves, one node isolated, a majority ring (each node
     * sees only its two neighbours, so with five or more nodes each sees a different majority), or
     * one node's outbound traffic dropped (it hears the others, they do not hear it).
     */
    static Fault.Partition partition(int nodes, Random random) {
        int shape = random.nextInt(nodes >= 5 ? 4 : 3);
        Set<Fault.Link> blocked = new HashSet<>();
        switch (shape) {
            case 0 -> {
                List<Integer> order = new ArrayList<>(Fault.nodes(nodes));
                java.util.Collections.shuffle(order, random);
                int cut = 1 + random.nextInt(nodes - 1);
                cutBetween(order.subList(0, cut), order.subList(cut, nodes), blocked);
                return new Fault.Partition("halves", blocked);
            }
            case 1 -> {
                int alone = 1 + random.nextInt(nodes);
                List<Integer> rest = new ArrayList<>(Fault.nodes(nodes));
                rest.remove(Integer.valueOf(alone));
                cutBetween(List.of(alone), rest, blocked);
                return new Fault.Partition("isolate-n" + alone, blocked);
            }
            case 2 -> {
                int mute = 1 + random.nextInt(nodes);
                for (int other : Fault.nodes(nodes)) {
                    if (other != mute) {
                        blocked.add(new Fault.Link(mute, other));
                    }
                }
                return new Fault.Partition("one-way-from-n" + mute, blocked);
            }
            default -> {
                for (int a = 1; a <= nodes; a++) {
                    for (int b = 1; b <= nodes; b++) {
                        int distance = Math.floorMod(a - b, nodes);
                        if (a != b && distance != 1 && distance != nodes - 1) {
                            blocked.add(new Fault.Link(a, b));
                        }
                    }
                }
                return new Fault.Partition("majority-ring", blocked);
            }
        }
    }

    private static void cutBetween(List<Integer> side, List<Integer> other, Set<Fault.Link> blocked) {
        for (int a : side) {
            for (int b : other) {
                blocked.add(new Fault.Link(a, b));
                blocked.add(new Fault.Link(b, a));
            }
        }
    }

    private static long between(Random random, long min, long max) {
        return min + (long) (random.nextDouble() * (max - min));
    }
}
