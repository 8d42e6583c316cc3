package io.ringcache.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A read-through cache over the Redis protocol, the same load against ringcache's RESP front
 * door and against a real Redis: each access GETs a key drawn from a Zipfian (or uniform) spread
 * and, on a miss, SETs it, so the server's eviction decides what stays. Unpaced: every
 * connection sends {@code pipeline} GETs, reads their replies, then the SETs of the misses, and
 * again, for {@code seconds}. Prints accesses per second, the hit ratio and refused commands.
 *
 * <p>{@code redis_fits=N} first sets a Redis server's {@code maxmemory} to what N keys of this
 * shape take there, measured ({@link RedisTraceReplay#sameMemoryAs}), and its policy to
 * {@code redis_policy}: the same number of keys as a ringcache cluster whose budget holds N.
 *
 * <p>The RESP client ({@link Connection}, also {@link RedisTraceReplay}'s) is a few lines over a
 * socket: the bench needs pipelined arrays and four reply types, and a client library would add
 * its own pooling and threads to what is measured.
 */
final class RespReadThrough {

    private static final NameValueOptions OPTIONS = new NameValueOptions()
            .add("targets", "127.0.0.1:6379", "host:port of the RESP servers, comma-separated; connections are spread over them")
            .add("records", "84000", "number of keys")
            .add("value", "1000", "value bytes written on a miss")
            .add("dist", "zipfian", "zipfian (YCSB's, theta 0.99, scrambled) or uniform")
            .add("connections", "16", "connections, one thread each")
            .add("pipeline", "16", "GETs in flight per connection")
            .add("seconds", "60", "seconds to run")
            .add("redis_fits", "0", "when > 0: first give the (single) Redis target the memory of this many keys")
            .add("redis_policy", "allkeys-lru", "Redis' maxmemory-policy with redis_fits");

    private RespReadThrough() {
    }

    static void main(String[] args) throws Exception {
        Map<String, String> a;
        try {
            a = OPTIONS.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("RespReadThrough: " + e.getMessage());
            OPTIONS.print(System.err, 20);
            System.exit(2);
            return;
        }
        String[] targets = a.get("targets").split(",");
        int records = Integer.parseInt(a.get("records"));
        byte[] value = new byte[Integer.parseInt(a.get("value"))];
        new SplittableRandom(7).nextBytes(value);
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + (value[i] & 15)); // printable, so any client shows it
        }
        KeyChooser spread = a.get("dist").equals("zipfian") ? Zipfian.ycsb(records) : KeyChooser.uniform(records);
        int fits = Integer.parseInt(a.get("redis_fits"));
        if (fits > 0) {
            String[] hp = targets[0].split(":");
            try (RedisTraceReplay redis = new RedisTraceReplay(hp[0], Integer.parseInt(hp[1]))) {
                redis.sameMemoryAs(fits, value, a.get("redis_policy"));
            }
        }
        int connections = Integer.parseInt(a.get("connections"));
        int pipeline = Integer.parseInt(a.get("pipeline"));
        long seconds = Long.parseLong(a.get("seconds"));
        LongAdder accesses = new LongAdder();
        LongAdder hits = new LongAdder();
        LongAdder refused = new LongAdder();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            String[] hp = targets[c % targets.length].split(":");
            SplittableRandom random = new SplittableRandom(1000 + c);
            Thread t = new Thread(() -> {
                try (Connection conn = new Connection(hp[0], Integer.parseInt(hp[1]))) {
                    int[] keys = new int[pipeline];
                    List<Integer> misses = new ArrayList<>(pipeline);
                    while (System.nanoTime() < end) {
                        for (int i = 0; i < pipeline; i++) {
                            keys[i] = spread.next(random);
                            conn.send("GET", key(keys[i]));
                        }
                        conn.flush();
                        misses.clear();
                        for (int i = 0; i < pipeline; i++) {
                            Object r = conn.read();
                            if (r instanceof Refusal x) {
                                refused.increment();
                                note(firstErrors, x.message());
                            } else if (r == null) {
                                misses.add(keys[i]);
                            } else {
                                hits.increment();
                            }
                        }
                        for (int k : misses) {
                            conn.send("SET", key(k), value);
                        }
                        conn.flush();
                        for (int i = 0; i < misses.size(); i++) {
                            if (conn.read() instanceof Refusal x) {
                                refused.increment();
                                note(firstErrors, x.message());
                            }
                        }
                        accesses.add(pipeline);
                    }
                } catch (IOException e) {
                    note(firstErrors, "connection failed: " + e.getMessage());
                }
            }, "resp-read-through-" + c);
            t.start();
            threads.add(t);
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        PrintStream out = System.out;
        out.printf(java.util.Locale.ROOT, "read-through over RESP: %s, %d keys (%s), %d connections x %d pipelined, %.1f s%n",
                a.get("targets"), records, spread, connections, pipeline, took);
        out.printf(java.util.Locale.ROOT, "accesses/s %.0f, hit ratio %.4f, refused %d%n",
                accesses.sum() / took, accesses.sum() == 0 ? 0.0 : (double) hits.sum() / accesses.sum(), refused.sum());
        for (String e : firstErrors) {
            out.println("  " + e);
        }
    }

    private static void note(List<String> errors, String message) {
        if (errors.size() < 5) {
            errors.add(message);
        }
    }

    static byte[] key(int k) {
        return ("key:" + k).getBytes(StandardCharsets.US_ASCII);
    }

    /** An error reply ("-ERR ..."): the server refused the command. */
    record Refusal(String message) {
    }

    /** One RESP connection: pipelined commands out, replies in (simple, error, integer, bulk). */
    static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        }

        void send(String command, byte[]... args) throws IOException {
            ascii("*" + (1 + args.length) + "\r\n$" + command.length() + "\r\n" + command + "\r\n");
            for (byte[] arg : args) {
                ascii("$" + arg.length + "\r\n");
                out.write(arg);
                ascii("\r\n");
            }
        }

        void flush() throws IOException {
            out.flush();
        }

        /** The next reply: a String, a Long, a byte[] (bulk), null (nil) or a {@link Refusal}. */
        Object read() throws IOException {
            int type = in.read();
            String line = line();
            return switch (type) {
                case '+' -> line;
                case '-' -> new Refusal(line);
                case ':' -> Long.parseLong(line);
                case '$' -> {
                    int n = Integer.parseInt(line);
                    if (n < 0) {
                        yield null;
                    }
                    byte[] b = in.readNBytes(n + 2);
                    yield java.util.Arrays.copyOf(b, n);
                }
                default -> throw new IOException("unexpected reply type " + (char) type);
            };
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                sb.append((char) c);
            }
            in.read(); // \n
            return sb.toString();
        }

        private void ascii(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
