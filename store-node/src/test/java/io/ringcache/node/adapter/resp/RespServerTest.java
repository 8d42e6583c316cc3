package io.ringcache.node.adapter.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.ringcache.node.adapter.time.ScheduledPacer;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.node.core.InMemoryLocalShards;
import io.ringcache.node.core.RequestPath;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.routing.TokenPlanner;
import io.ringcache.shard.core.ShardLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The RESP server over the real request path and shard engines (in memory, every shard led
 * here): Lettuce, a client no one here wrote, for the commands; raw sockets for pipelining,
 * inline commands, RESP3, bad input and clients that go away.
 */
@Timeout(60)
class RespServerTest {

    private static final int MAX_VALUE = 1024;

    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private ScheduledPacer pacer;
    private RespServer server;
    private int port;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;

    @BeforeEach
    void start() {
        ShardLimits limits = new ShardLimits(64, MAX_VALUE, 1 << 20);
        InMemoryLocalShards local = new InMemoryLocalShards("self", limits, clock::get);
        CurrentMap map = new CurrentMap();
        StoreInfo self = new StoreInfo("self", "self:1", "self:2", "self:3", Map.of(), StoreState.UP);
        map.offer(new PartitionMap(1, TokenPlanner.initial(0, 1, 2, 3), Map.of(
                0, new ShardInfo(0, List.of("self"), "self", 1), 1, new ShardInfo(1, List.of("self"), "self", 1),
                2, new ShardInfo(2, List.of("self"), "self", 1), 3, new ShardInfo(3, List.of("self"), "self", 1)),
                Map.of("self", self)));
        for (int shard = 0; shard < 4; shard++) {
            local.host(shard, "self");
        }
        pacer = new ScheduledPacer();
        RequestPath path = new RequestPath(map, local, (store, address, shard, op, epoch, budget) ->
                CompletableFuture.completedFuture(new ShardOutcome.Failed(
                        new io.ringcache.node.core.KvFailure.Unavailable(shard, "no other store", true))),
                pacer, limits, s -> { });
        server = new RespServer(path, "self", MAX_VALUE, Duration.ofSeconds(5), clock::get,
                () -> new io.ringcache.node.core.CacheStats(1536, 1L << 30, "allkeys-lru", 3, 300, 2, 10, 4));
        port = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        connection = client.connect();
        redis = connection.sync();
    }

    @AfterEach
    void stop() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
        server.close();
        pacer.close();
    }

    @Test
    void stringsAndTheirOptions() {
        assertEquals("PONG", redis.ping());
        assertEquals("OK", redis.set("k", "v1"));
        assertEquals("v1", redis.get("k"));
        assertNull(redis.get("absent"));
        assertNull(redis.set("k", "v2", SetArgs.Builder.nx()), "NX on a present key writes nothing");
        assertEquals("OK", redis.set("k", "v2", SetArgs.Builder.xx()));
        assertNull(redis.set("never", "v", SetArgs.Builder.xx()));
        assertEquals("v2", redis.setGet("k", "v3"));
        assertEquals("v3", redis.getset("k", "v4"));
        assertTrue(redis.setnx("fresh", "1"));
        assertFalse(redis.setnx("fresh", "2"));
        assertEquals("v4", redis.getdel("k"));
        assertNull(redis.get("k"));
        assertEquals(3L, redis.append("a", "abc"));
        assertEquals(5L, redis.append("a", "de"));
        assertEquals(5L, redis.strlen("a"));
        assertEquals(0L, redis.strlen("absent"));
        assertEquals("OK", redis.mset(Map.of("m1", "1", "m2", "2", "m3", "3")));
        assertEquals(List.of("1", "2", "3"), redis.mget("m1", "m2", "m3").stream().map(kv -> kv.getValue()).toList());
        assertFalse(redis.mget("m1", "nope").get(1).hasValue());
        assertEquals(2L, redis.exists("m1", "m2", "nope"));
        assertEquals(2L, redis.del("m1", "m2", "nope"));
        assertEquals(1L, redis.unlink("m3"));
        assertTrue(redis.msetnx(Map.of("solo", "1")));
        assertFalse(redis.msetnx(Map.of("solo", "2")), "a live key: nothing written");
        assertEquals("1", redis.get("solo"));
        // Keys on different shards: Redis Cluster's answer. (4 shards: some pair of these differs.)
        assertTrue(assertThrows(RedisCommandExecutionException.class, () -> redis.msetnx(Map.of("a1", "1", "b2", "2",
                "c3", "3", "d4", "4", "e5", "5", "f6", "6"))).getMessage().startsWith("CROSSSLOT"));
    }

    @Test
    void countersAreAtomicOnTheShardAndRefuseWhatIsNotAnInteger() {
        assertEquals(1L, redis.incr("n"));
        assertEquals(11L, redis.incrby("n", 10));
        assertEquals(10L, redis.decr("n"));
        assertEquals(-5L, redis.decrby("n", 15));
        redis.set("text", "abc");
        RedisCommandExecutionException notInt = assertThrows(RedisCommandExecutionException.class, () -> redis.incr("text"));
        assertEquals("ERR value is not an integer or out of range", notInt.getMessage());
        redis.set("max", Long.toString(Long.MAX_VALUE));
        assertTrue(assertThrows(RedisCommandExecutionException.class, () -> redis.incr("max")).getMessage()
                .contains("overflow"));
        assertEquals(Long.toString(Long.MAX_VALUE), redis.get("max"), "a refused increment changes nothing");
    }

    @Test
    void expiryCommandsFollowRedis() {
        redis.set("t", "v", SetArgs.Builder.ex(100));
        assertEquals(100L, redis.ttl("t"));
        assertEquals(100_000L, redis.pttl("t"));
        assertTrue(redis.persist("t"));
        assertEquals(-1L, redis.ttl("t"));
        assertFalse(redis.persist("t"), "no expiry to remove");
        assertEquals(-2L, redis.ttl("absent"));
        assertTrue(redis.expire("t", 50));
        assertEquals(50L, redis.ttl("t"));
        assertTrue(redis.pexpire("t", 1500));
        assertEquals(1500L, redis.pttl("t"));
        assertFalse(redis.expire("absent", 5));
        assertEquals("OK", redis.setex("sx", 7, "v"));
        assertEquals(7L, redis.ttl("sx"));
        assertEquals("OK", redis.psetex("psx", 700, "v"));
        assertEquals(700L, redis.pttl("psx"));
        assertEquals("v", redis.getex("sx", io.lettuce.core.GetExArgs.Builder.persist()));
        assertEquals(-1L, redis.ttl("sx"));
        assertTrue(redis.expireat("sx", clock.get() / 1000 + 30));
        assertEquals(30L, redis.ttl("sx"));
        redis.set("opt", "v");
        assertFalse(redis.expire("opt", 10, io.lettuce.core.ExpireArgs.Builder.xx()), "XX: it has no expiry");
        assertFalse(redis.expire("opt", 10, io.lettuce.core.ExpireArgs.Builder.gt()), "GT: no expiry counts as never");
        assertTrue(redis.expire("opt", 10, io.lettuce.core.ExpireArgs.Builder.nx()));
        assertFalse(redis.expire("opt", 20, io.lettuce.core.ExpireArgs.Builder.nx()), "NX: it has one now");
        assertTrue(redis.expire("opt", 20, io.lettuce.core.ExpireArgs.Builder.gt()));
        assertFalse(redis.expire("opt", 15, io.lettuce.core.ExpireArgs.Builder.gt()));
        assertTrue(redis.expire("opt", 15, io.lettuce.core.ExpireArgs.Builder.lt()));
        assertEquals(15L, redis.ttl("opt"));
        assertTrue(assertThrows(RedisCommandExecutionException.class, () -> redis.expire("opt", 5,
                io.lettuce.core.ExpireArgs.Builder.nx().gt())).getMessage().contains("not compatible"));
        assertTrue(redis.expire("sx", 0), "a TTL that is not positive deletes the key");
        assertEquals(0L, redis.exists("sx"));
        redis.set("kt", "v", SetArgs.Builder.px(5_000));
        redis.set("kt", "w", SetArgs.Builder.keepttl());
        assertEquals(5_000L, redis.pttl("kt"), "KEEPTTL keeps the expiry");
        assertTrue(assertThrows(RedisCommandExecutionException.class, () -> redis.set("x", "v", SetArgs.Builder.ex(0)))
                .getMessage().startsWith("ERR invalid expire time"));
    }

    @Test
    void serverCommandsAndRedisErrorTexts() throws IOException {
        assertEquals(0L, redis.dbsize() - redis.dbsize());
        redis.set("one", "1");
        assertTrue(redis.dbsize() >= 1);
        assertTrue(redis.info("keyspace").contains("db0:keys="), redis.info("keyspace"));
        assertTrue(redis.info().contains("redis_version:"));
        String memory = redis.info("memory");
        assertTrue(memory.contains("used_memory:1536\r\n") && memory.contains("maxmemory:1073741824\r\n")
                && memory.contains("maxmemory_human:1.00G") && memory.contains("maxmemory_policy:allkeys-lru"), memory);
        String stats = redis.info("stats");
        assertTrue(stats.contains("evicted_keys:3\r\n") && stats.contains("expired_keys:2\r\n")
                && stats.contains("keyspace_hits:10\r\n") && stats.contains("keyspace_misses:4\r\n"), stats);
        assertEquals(2, redis.time().size());
        assertEquals("hello", redis.echo("hello"));
        assertEquals("OK", redis.clientSetname("me"));
        assertEquals("me", redis.clientGetname());
        assertTrue(redis.clientId() > 0);
        assertEquals("OK", redis.select(0));
        assertTrue(assertThrows(RedisCommandExecutionException.class, () -> redis.select(1)).getMessage()
                .contains("out of range"));
        assertTrue(redis.commandCount() >= 30);
        // AUTH is checked even with auth off (clients can be set up before it is turned on): no such user yet.
        assertTrue(assertThrows(RedisCommandExecutionException.class, () -> redis.auth("pw")).getMessage()
                .startsWith("WRONGPASS"));
        assertEquals("-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b'\r\n", raw("NOSUCH a b\r\n", 1));
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", raw("*1\r\n$3\r\nGET\r\n", 1));
        assertEquals("-ERR syntax error\r\n", raw("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$5\r\nBOGUS\r\n", 1));
    }

    @Test
    void scanVisitsEveryKeyOnceAcrossShardsWithMatchAndCount() {
        java.util.Set<String> written = new java.util.TreeSet<>();
        for (int i = 0; i < 57; i++) {
            redis.set("user:" + i, "v");
            written.add("user:" + i);
        }
        redis.set("other", "v");
        java.util.List<String> seen = new java.util.ArrayList<>();
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        int steps = 0;
        do {
            io.lettuce.core.KeyScanCursor<String> step = redis.scan(cursor,
                    io.lettuce.core.ScanArgs.Builder.matches("user:*").limit(7));
            seen.addAll(step.getKeys());
            cursor = step;
            steps++;
        } while (!cursor.isFinished());
        assertEquals(written, new java.util.TreeSet<>(seen));
        assertEquals(written.size(), seen.size(), "each key once");
        assertTrue(steps > 4, "COUNT bounds each step: " + steps);
        assertTrue(assertThrows(RedisCommandExecutionException.class,
                () -> redis.scan(io.lettuce.core.ScanCursor.of("12345"))).getMessage().contains("invalid cursor"));
    }

    @Test
    void pipelinedAndInlineCommandsAreAnsweredInOrderAndResp3AfterHello3() throws IOException {
        String pipeline = "*3\r\n$3\r\nSET\r\n$1\r\np\r\n$1\r\n1\r\n" + "*2\r\n$4\r\nINCR\r\n$1\r\np\r\n"
                + "*2\r\n$3\r\nGET\r\n$1\r\np\r\n" + "PING\r\n" + "*2\r\n$3\r\nGET\r\n$6\r\nabsent\r\n";
        assertEquals("+OK\r\n:2\r\n$1\r\n2\r\n+PONG\r\n$-1\r\n", raw(pipeline, 5));
        String resp3 = raw("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*2\r\n$3\r\nGET\r\n$6\r\nabsent\r\n", 2);
        assertTrue(resp3.startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"), resp3);
        assertTrue(resp3.endsWith("_\r\n"), "RESP3 null: " + resp3);
        assertTrue(raw("*2\r\n$5\r\nHELLO\r\n$1\r\n4\r\n", 1).startsWith("-NOPROTO"));
    }

    @Test
    void aValueOverTheLimitIsRefusedAtItsHeaderAndTheServerGoesOn() throws IOException {
        String head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + (10 * MAX_VALUE) + "\r\n";
        String reply = raw(head, 1); // no body sent: the refusal comes from the header alone
        assertTrue(reply.startsWith("-ERR Protocol error: a bulk string of"), reply);
        assertTrue(assertThrows(RedisCommandExecutionException.class,
                () -> redis.set("k", "v".repeat(MAX_VALUE + 1))).getMessage().contains("exceeds the maximum"));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$100\r\nonly-some".getBytes(StandardCharsets.US_ASCII));
        } // and goes away mid-command
        assertEquals("PONG", redis.ping());
        assertNull(redis.get("half"), "a command cut short wrote nothing");
    }

    /** Sends {@code request} raw and reads {@code replies} top-level replies as text. */
    private String raw(String request, int replies) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < replies; i++) {
                readReply(in, out);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static void readReply(InputStream in, ByteArrayOutputStream out) throws IOException {
        String line = readLine(in, out);
        char type = line.charAt(0);
        if (type == '$' && !line.equals("$-1")) {
            int n = Integer.parseInt(line.substring(1));
            out.write(in.readNBytes(n + 2));
        } else if (type == '*' || type == '%') {
            int n = Integer.parseInt(line.substring(1)) * (type == '%' ? 2 : 1);
            for (int i = 0; i < n; i++) {
                readReply(in, out);
            }
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream out) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("closed after: " + out);
            }
            out.write(b);
            if (b != '\r') {
                line.append((char) b);
            }
        }
        out.write('\n');
        return line.toString();
    }
}
