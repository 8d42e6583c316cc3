package io.ringcache.bench;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.adapter.ratis.RatisTuning;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.ShardLimits;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What hosting Raft groups costs: three {@link ShardGroupHost}s in this JVM (as three stores on
 * one machine), grown to each requested group count; at each count it prints live threads, direct
 * memory, heap in use after a full GC, and the process CPU used over an idle interval (as % of one core), plus leader changes
 * seen while idle (churn), and the idle CPU of the busiest thread roles (names with group and pool
 * numbers folded). Usage: GroupFootprint [IDLE_SECONDS] [COUNTS...], e.g. 10 16 64 128.
 */
public final class GroupFootprint {

    public static void main(String[] args) throws Exception {
        int idleSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Integer> counts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts = List.of(16, 64);
        }
        Path root = Files.createTempDirectory("footprint");
        List<ShardGroupHost> hosts = new ArrayList<>();
        try {
            List<ShardGroupHost.Replica> replicas = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RatisTuning tuning = RatisTuning.defaults(root.resolve("s" + i).toFile());
                long minMs = Long.getLong("election.min.ms", tuning.electionTimeoutMin().toMillis());
                tuning = tuning.withElectionTimeouts(java.time.Duration.ofMillis(minMs), java.time.Duration.ofMillis(2 * minMs));
                ShardGroupHost h = new ShardGroupHost("s" + i, tuning,
                        shard -> new HeapShardStore(), ShardLimits.withBudget(64L << 20), System::currentTimeMillis).start();
                hosts.add(h);
                replicas.add(new ShardGroupHost.Replica(h.peerId(), "127.0.0.1:" + h.raftPort()));
            }
            report("0 groups (3 servers)", 0, hosts, idleSeconds);
            int hosted = 0;
            for (int target : counts) {
                for (; hosted < target; hosted++) {
                    for (ShardGroupHost h : hosts) {
                        h.addShard(hosted, replicas);
                    }
                }
                awaitLeaders(hosts, hosted);
                report(hosted + " groups x 3 replicas", hosted, hosts, idleSeconds);
            }
        } finally {
            for (ShardGroupHost h : hosts) {
                h.close();
            }
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void awaitLeaders(List<ShardGroupHost> hosts, int groups) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            int led = 0;
            for (int g = 0; g < groups; g++) {
                for (ShardGroupHost h : hosts) {
                    if (h.isReadyLeader(g)) {
                        led++;
                        break;
                    }
                }
            }
            if (led == groups) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not every group elected a leader in 120 s");
    }

    private static void report(String label, int groups, List<ShardGroupHost> hosts, int idleSeconds)
            throws InterruptedException, IOException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String[] leadersBefore = leaders(hosts, groups);
        Map<Long, Long> threadCpuBefore = threadCpu();
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        Thread.sleep(idleSeconds * 1000L);
        long wall = System.nanoTime() - wallBefore;
        double cpu = 100.0 * (os.getProcessCpuTime() - cpuBefore) / wall;
        Map<String, Long> byRole = cpuByRole(threadCpuBefore, threadCpu());
        String[] leadersAfter = leaders(hosts, groups);
        int changes = 0;
        for (int g = 0; g < groups; g++) {
            if (!leadersBefore[g].equals(leadersAfter[g])) {
                changes++;
            }
        }
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        // Heap in use after a full collection: what the groups keep, not garbage awaiting GC.
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("%-24s threads %5d  heap %6.1f MiB  direct %7.1f MiB  idle CPU %5.1f%% of one core  "
                        + "leader changes while idle %d%n",
                label, ManagementFactory.getThreadMXBean().getThreadCount(), heap / 1048576.0, direct / 1048576.0,
                cpu, changes);
        byRole.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> System.out.printf("    %5.1f%% of one core  %s%n", 100.0 * e.getValue() / wall, e.getKey()));
    }

    /** CPU nanoseconds so far of every live thread, by thread id. */
    private static Map<Long, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long ns = threads.getThreadCpuTime(id);
            if (ns >= 0) {
                out.put(id, ns);
            }
        }
        return out;
    }

    /**
     * CPU used between two snapshots, summed per thread role: the thread's name with group ids,
     * server ids and pool indexes replaced, so the 256 StateMachineUpdaters add up to one line.
     */
    private static Map<String, Long> cpuByRole(Map<Long, Long> before, Map<Long, Long> after) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        after.forEach((id, ns) -> {
            ThreadInfo info = threads.getThreadInfo(id);
            if (info != null) {
                String role = info.getThreadName().replaceAll("group-[0-9A-F]+", "group-N")
                        .replaceAll("\\bs[0-9]+\\b", "sX").replaceAll("[-#]?[0-9]+$", "");
                out.merge(role, ns - before.getOrDefault(id, 0L), Long::sum);
            }
        });
        return out;
    }

    private static String[] leaders(List<ShardGroupHost> hosts, int groups) {
        String[] out = new String[groups];
        for (int g = 0; g < groups; g++) {
            out[g] = hosts.get(0).leader(g).orElse("?");
        }
        return out;
    }
}
