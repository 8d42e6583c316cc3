package io.ringcache.bench;

import io.ringcache.shard.core.ShardStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Memory per entry of a store adapter, beyond the 116 bytes of key (16) and value (100) each
 * entry holds. Not a JMH benchmark: it fills a fresh store with {@code entries} entries and
 * reports rough deltas.
 * <ul>
 *   <li>heap: the heap in use after full GCs, before and after the fill (object headers,
 *   the map's nodes and table, the StoredValue record and the key wrapper are all overhead);
 *   <li>chronicle: any memory figures the adapter exposes (public no-argument long methods
 *   whose names mention memory or off-heap, found reflectively, e.g. {@code offHeapMemoryUsed()},
 *   which counts reserved, not necessarily resident, bytes), its {@code sizing()} if it has
 *   one, and the process's resident
 *   set (VmRSS) delta, which counts the off-heap pages the map touched, plus some noise.
 * </ul>
 * Usage: {@code java <jvm.properties flags> -Xmx1g -cp benchmarks.jar io.ringcache.bench.StoreFootprint
 * [heap|chronicle|all] [entries]}.
 */
public final class StoreFootprint {

    private StoreFootprint() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        if (which.equals("all") || which.equals(Stores.HEAP)) {
            measure(Stores.HEAP, entries);
        }
        if (which.equals("all") || which.equals(Stores.CHRONICLE)) {
            if (Stores.chronicleAvailable()) {
                measure(Stores.CHRONICLE, entries);
            } else {
                System.out.println("chronicle: skipped: " + Stores.chronicleMissingMessage());
            }
        }
    }

    private static void measure(String kind, int entries) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heap0 = usedHeapAfterGc(memory);
        long rss0 = rssBytes();
        // Budget = exactly the entries' logical bytes: the off-heap store is sized for its content.
        ShardStore store = Stores.create(kind, entries, Keys.KEY_BYTES, Keys.VALUE_BYTES, 1);
        try {
            byte[] key = new byte[Keys.KEY_BYTES];
            byte[] value = Keys.value(1);
            long start = System.nanoTime();
            for (int i = 0; i < entries; i++) {
                Keys.write(key, i);
                store.put(key, value, i + 1, 0);
            }
            double fillSeconds = (System.nanoTime() - start) / 1e9;
            long heap1 = usedHeapAfterGc(memory);
            long rss1 = rssBytes();
            int payload = Keys.KEY_BYTES + Keys.VALUE_BYTES;
            System.out.printf(Locale.ROOT, "%s: %,d entries (16 B key + 100 B value), filled in %.2f s; logical"
                    + " bytesUsed %,d (%d B/entry)%n", kind, store.size(), fillSeconds, store.bytesUsed(),
                    store.bytesUsed() / entries);
            double heapPer = (double) (heap1 - heap0) / entries;
            System.out.printf(Locale.ROOT, "%s: heap delta %,d B = %.1f B/entry = %.1f B/entry beyond key+value%n",
                    kind, heap1 - heap0, heapPer, heapPer - payload);
            if (rss0 > 0 && rss1 > 0) {
                double rssPer = (double) (rss1 - rss0) / entries;
                System.out.printf(Locale.ROOT, "%s: RSS delta %,d B = %.1f B/entry = %.1f B/entry beyond key+value"
                        + " (includes heap growth)%n", kind, rss1 - rss0, rssPer, rssPer - payload);
            }
            reportExposedFigures(kind, store, entries, payload);
        } finally {
            store.close();
        }
    }

    /** Memory figures an adapter exposes beyond the port, e.g. an off-heap usage getter. */
    private static void reportExposedFigures(String kind, ShardStore store, int entries, int payload) {
        try {
            Method sizing = store.getClass().getMethod("sizing");
            System.out.printf("%s: sizing() = %s%n", kind, sizing.invoke(store));
        } catch (NoSuchMethodException e) {
            // the adapter does not describe its geometry
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.printf("%s: sizing() failed: %s%n", kind, e);
        }
        for (Method m : store.getClass().getMethods()) {
            String name = m.getName().toLowerCase(Locale.ROOT);
            boolean looksLikeMemory = name.contains("offheap") || name.contains("memory") || name.contains("footprint");
            if (!looksLikeMemory || m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                    || (m.getReturnType() != long.class && m.getReturnType() != int.class)) {
                continue;
            }
            try {
                long v = ((Number) m.invoke(store)).longValue();
                System.out.printf(Locale.ROOT, "%s: %s() = %,d B = %.1f B/entry = %.1f B/entry beyond key+value%n",
                        kind, m.getName(), v, (double) v / entries, (double) v / entries - payload);
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.out.printf("%s: %s() failed: %s%n", kind, m.getName(), e);
            }
        }
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The resident set size from /proc/self/status, or -1 where there is none. */
    private static long rssBytes() {
        Path status = Paths.get("/proc/self/status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
