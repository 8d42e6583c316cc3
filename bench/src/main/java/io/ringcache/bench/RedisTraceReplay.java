package io.ringcache.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a read-through trace against a real Redis server: each access runs a script that GETs
 * the key and, on a miss, SETs it, so Redis' own eviction decides what stays. Commands are
 * pipelined a thousand at a time and paced to a given rate, because Redis' LRU clock has a
 * resolution of one second: replayed faster than the trace's rate, more keys would share an
 * idle time than they would in use.
 *
 * <p>"The same memory" as ringcache's budget is measured, not assumed: Redis' bytes per key of the
 * trace's shape (its {@code used_memory} after loading that many keys, less an empty server's) times
 * the number of keys ringcache's budget holds, plus the empty server's memory.
 *
 * <p>The RESP client is {@link RespReadThrough}'s (a few lines over a socket): the bench module
 * carries no Redis client library and needs only pipelined arrays and the four reply types.
 */
final class RedisTraceReplay implements AutoCloseable {

    private static final String READ_THROUGH =
            "local v = redis.call('GET', KEYS[1]) if v then return 1 end redis.call('SET', KEYS[1], ARGV[1]) return 0";

    private final RespReadThrough.Connection conn;

    RedisTraceReplay(String host, int port) throws IOException {
        conn = new RespReadThrough.Connection(host, port);
    }

    /** The hit ratio of {@code keys} replayed at {@code accessesPerSecond} under {@code policy} and the same memory as {@code fits} keys. */
    double replay(int[] keys, String policy, int fits, byte[] value, int accessesPerSecond) throws IOException {
        sameMemoryAs(fits, value, policy);
        String sha = (String) call("SCRIPT", "LOAD", READ_THROUGH);
        String v = new String(value, StandardCharsets.ISO_8859_1);
        long hits = 0;
        long start = System.nanoTime();
        for (int i = 0; i < keys.length; i += 1000) {
            List<String[]> batch = new ArrayList<>();
            for (int k = i; k < Math.min(keys.length, i + 1000); k++) {
                batch.add(new String[] {"EVALSHA", sha, "1", key(keys[k]), v});
            }
            for (Object r : pipeline(batch)) {
                hits += (Long) r;
            }
            long due = start + (long) ((i + 1000) * 1e9 / accessesPerSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        return (double) hits / keys.length;
    }

    /**
     * Empties the server and gives it the memory {@code fits} keys of {@code value}'s size take
     * there (measured: its {@code used_memory} after loading them, less an empty server's), plus
     * the empty server's memory, with {@code policy}. Returns the maxmemory set.
     */
    long sameMemoryAs(int fits, byte[] value, String policy) throws IOException {
        call("CONFIG", "SET", "maxmemory", "0");
        call("FLUSHALL");
        long empty = usedMemory();
        for (int i = 0; i < fits; i += 1000) {
            List<String[]> batch = new ArrayList<>();
            for (int k = i; k < Math.min(fits, i + 1000); k++) {
                batch.add(new String[] {"SET", key(-1 - k), new String(value, StandardCharsets.ISO_8859_1)});
            }
            pipeline(batch);
        }
        long perKey = (usedMemory() - empty) / fits;
        call("FLUSHALL");
        long maxmemory = usedMemory() + perKey * fits;
        call("CONFIG", "SET", "maxmemory", Long.toString(maxmemory));
        call("CONFIG", "SET", "maxmemory-policy", policy);
        System.out.printf(java.util.Locale.ROOT, "#   redis %s: maxmemory %d (%d bytes/key x %d keys + %d empty)%n",
                policy, maxmemory, perKey, fits, maxmemory - perKey * fits);
        return maxmemory;
    }

    private long usedMemory() throws IOException {
        String info = (String) call("INFO", "memory");
        for (String line : info.split("\r\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()));
            }
        }
        throw new IOException("no used_memory in INFO memory");
    }

    private static String key(int k) {
        return "key:" + k;
    }

    Object call(String... args) throws IOException {
        return pipeline(List.<String[]>of(args)).get(0);
    }

    private List<Object> pipeline(List<String[]> commands) throws IOException {
        for (String[] c : commands) {
            byte[][] args = new byte[c.length - 1][];
            for (int i = 1; i < c.length; i++) {
                args[i - 1] = c[i].getBytes(StandardCharsets.ISO_8859_1);
            }
            conn.send(c[0], args);
        }
        conn.flush();
        List<Object> replies = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            Object r = conn.read();
            if (r instanceof RespReadThrough.Refusal x) {
                throw new IOException("redis: " + x.message());
            }
            replies.add(r instanceof byte[] bulk ? new String(bulk, StandardCharsets.ISO_8859_1) : r);
        }
        return replies;
    }

    @Override
    public void close() throws IOException {
        conn.close();
    }
}
