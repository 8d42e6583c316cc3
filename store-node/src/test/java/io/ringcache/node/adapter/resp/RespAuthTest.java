package io.ringcache.node.adapter.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.ringcache.node.adapter.auth.AuthFixture;
import io.ringcache.node.adapter.auth.AuthFixture.Refusal;
import io.ringcache.node.adapter.auth.RecordingKvRequests;
import io.ringcache.node.adapter.time.ScheduledPacer;
import io.ringcache.node.core.AccessRules;
import io.ringcache.node.core.CacheStats;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.shard.core.ShardLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authentication and authorisation on the RESP port, as Redis ACLs answer: {@code -NOAUTH} before
 * AUTH, {@code -WRONGPASS} for a bad AUTH, {@code -NOPERM} for a key out of the user's reach, and
 * nothing sent to the request path for a refused command; with auth off, everything as before.
 * Raw sockets, over the real request path and in-memory shards, so the exact replies are seen;
 * Lettuce for a real client signing in with {@code HELLO 3 AUTH}.
 */
@Timeout(60)
class RespAuthTest {

    private static final String NOAUTH = "-NOAUTH Authentication required.\r\n";
    private static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    private static final String OK = "+OK\r\n";

    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private final List<Refusal> refusals = AuthFixture.refusalLog();
    private final List<Conn> conns = new ArrayList<>();
    private ScheduledPacer pacer;
    private RecordingKvRequests requests;
    private RespServer server;
    private int port;

    private void start(AccessTable table) {
        ShardLimits limits = new ShardLimits(64, 1024, 1 << 20);
        pacer = new ScheduledPacer();
        requests = new RecordingKvRequests(AuthFixture.inMemoryPath(limits, clock::get, pacer));
        AccessRules rules = AuthFixture.rules(table);
        server = new RespServer(requests, "self", 1024, Duration.ofSeconds(5), clock::get,
                () -> new CacheStats(1536, 1L << 30, "allkeys-lru", 3, 300, 2, 10, 4),
                AuthFixture.doorkeeper(rules, refusals));
        port = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        conns.forEach(Conn::close);
        if (server != null) {
            server.close();
        }
        if (pacer != null) {
            pacer.close();
        }
    }

    // ---- (1) no credentials ----

    @Test
    void beforeAuthEveryCommandButAuthHelloAndQuitIsNoauth() {
        start(AuthFixture.ENABLED);
        Conn c = connect();
        List<String[]> commands = List.of(
                new String[] {"GET", "app/x"}, new String[] {"SET", "app/x", "v"}, new String[] {"DEL", "app/x"},
                new String[] {"MGET", "app/x", "app/y"}, new String[] {"MSET", "app/x", "1"},
                new String[] {"INCR", "app/n"}, new String[] {"EXISTS", "app/x"}, new String[] {"TTL", "app/x"},
                new String[] {"EXPIRE", "app/x", "10"}, new String[] {"DBSIZE"}, new String[] {"SCAN", "0"},
                new String[] {"PING"}, new String[] {"ECHO", "hi"}, new String[] {"INFO"}, new String[] {"CLIENT", "ID"});
        for (String[] command : commands) {
            assertEquals(NOAUTH, c.call(command), String.join(" ", command));
        }
        assertEquals(NOAUTH, c.inline("GET app/x"), "an inline command too");
        assertTrue(requests.submitted.isEmpty(), "nothing reached the request path: " + requests.submitted);
        assertRefusals(commands.size() + 1, new Refusal("resp", "unauthenticated"));
        assertEquals(OK, c.call("QUIT"), "QUIT needs no sign-in");
    }

    // ---- (2) wrong password ----

    @Test
    void aWrongPasswordIsWrongpassAndSignsNobodyIn() {
        start(AuthFixture.ENABLED);
        Conn c = connect();
        assertEquals(WRONGPASS, c.call("AUTH", "alice", "not-alice-password"));
        assertEquals(WRONGPASS, c.call("AUTH", "mallory", AuthFixture.ALICE_PASSWORD));
        assertEquals(WRONGPASS, c.call("AUTH", AuthFixture.ALICE_PASSWORD), "AUTH password is user 'default', which does not exist");
        assertEquals(NOAUTH, c.call("GET", "app/x"));
        assertEquals(List.of(new Refusal("resp", "unauthenticated"), new Refusal("resp", "unauthenticated"),
                new Refusal("resp", "unauthenticated"), new Refusal("resp", "unauthenticated")), List.copyOf(refusals));
        assertTrue(requests.submitted.isEmpty(), "nothing reached the request path: " + requests.submitted);
    }

    @Test
    void aFailedAuthLeavesTheSignedInUserAsItWas() {
        start(AuthFixture.ENABLED);
        Conn c = connect();
        assertEquals(OK, c.call("AUTH", "alice", AuthFixture.ALICE_PASSWORD));
        assertEquals(WRONGPASS, c.call("AUTH", "root", "not-root-password"));
        assertEquals(OK, c.call("SET", "app/x", "still-alice"), "as Redis: a failed AUTH keeps the current user");
        assertEquals("$11\r\nstill-alice\r\n", c.call("GET", "app/x"));
        assertRefusals(1, new Refusal("resp", "unauthenticated"));
    }

    // ---- (3) a user with the right ----

    @Test
    void afterAuthAllowedCommandsWork() {
        start(AuthFixture.ENABLED);
        Conn alice = connect();
        assertEquals(OK, alice.call("AUTH", "alice", AuthFixture.ALICE_PASSWORD));
        assertEquals("+PONG\r\n", alice.call("PING"));
        assertEquals(OK, alice.call("SET", "app/x", "v1"));
        assertEquals("$2\r\nv1\r\n", alice.call("GET", "app/x"));
        assertEquals("$2\r\nv1\r\n", alice.call("SET", "app/x", "v2", "GET"), "SET ... GET: alice reads too");
        assertEquals(":1\r\n", alice.call("INCR", "app/n"));
        assertEquals(OK, alice.call("MSET", "app/a", "1", "app/b", "2"));
        assertEquals("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", alice.call("MGET", "app/a", "app/b"));
        assertEquals(":1\r\n", alice.call("EXPIRE", "app/a", "100"));
        assertEquals(":100\r\n", alice.call("TTL", "app/a"));
        assertEquals(":1\r\n", alice.call("DEL", "app/a"));
        assertEquals(":1\r\n", alice.call("EXISTS", "app/b"));
        assertTrue(alice.call("INFO", "server").startsWith("$"), "INFO names no key: any signed-in user");

        Conn rob = connect();
        assertEquals(OK, rob.call("AUTH", "rob", AuthFixture.ROB_PASSWORD));
        assertEquals("$2\r\nv2\r\n", rob.call("GET", "app/x"), "a read-only user reads");
        assertEquals("*2\r\n$-1\r\n$1\r\n2\r\n", rob.call("MGET", "app/a", "app/b"));
        assertEquals(":1\r\n", rob.call("EXISTS", "app/x"));
        assertEquals(":-1\r\n", rob.call("TTL", "app/x"));
        assertRefusals(0, null);
    }

    // ---- (4) a user without the right on the key ----

    @Test
    void aKeyOutOfReachIsNoperm() {
        start(AuthFixture.ENABLED);
        Conn alice = connect();
        assertEquals(OK, alice.call("AUTH", "alice", AuthFixture.ALICE_PASSWORD));
        assertNoperm(alice.call("SET", "other/x", "v"), "alice", "write");
        assertNoperm(alice.call("GET", "other/x"), "alice", "read");
        assertNoperm(alice.call("DEL", "app/x", "other/x"), "alice", "write");
        assertNoperm(alice.call("MSET", "app/a", "1", "other/b", "2"), "alice", "write");
        assertNoperm(alice.call("MGET", "app/a", "other/b"), "alice", "read");
        assertNoperm(alice.call("SET", "apple", "v"), "alice", "write"); // "app/" is a byte prefix
        assertNoperm(alice.call("SCAN", "0"), "alice", "read every key");
        assertNoperm(alice.call("DBSIZE"), "alice", "read every key");
        Conn rob = connect();
        assertEquals(OK, rob.call("AUTH", "rob", AuthFixture.ROB_PASSWORD));
        assertNoperm(rob.call("SET", "app/x", "v"), "rob", "write");
        assertNoperm(rob.call("INCR", "app/n"), "rob", "write");
        assertNoperm(rob.call("GETDEL", "app/x"), "rob", "write");
        assertNoperm(rob.call("EXPIRE", "app/x", "10"), "rob", "write");
        assertNoperm(rob.call("GET", "other/x"), "rob", "read");
        Conn root = connect();
        assertEquals(OK, root.call("AUTH", "root", AuthFixture.ROOT_PASSWORD));
        assertNoperm(root.call("GET", "app/x"), "root", "read"); // admin is no key right
        assertTrue(requests.submitted.isEmpty(), "nothing reached the request path: " + requests.submitted);
        assertRefusals(14, new Refusal("resp", "permission_denied"));
    }

    // ---- (5) tokens ----

    /**
     * RESP's AUTH carries a user and a password only: a bearer token in the password's place is
     * checked as a password, and refused. (Tokens are for HTTP and gRPC; should RESP take them,
     * this test changes.)
     */
    @Test
    void aBearerTokenIsNotARespPassword() {
        start(AuthFixture.ENABLED);
        Conn c = connect();
        assertEquals(WRONGPASS, c.call("AUTH", "alice", AuthFixture.ALICE_TOKEN));
        assertEquals(WRONGPASS, c.call("AUTH", AuthFixture.ALICE_TOKEN));
        assertEquals(NOAUTH, c.call("GET", "app/x"));
    }

    // ---- (6) a refused write changes nothing ----

    @Test
    void aRefusedWriteChangesNothing() {
        start(AuthFixture.ENABLED);
        Conn alice = connect();
        assertEquals(OK, alice.call("AUTH", "alice", AuthFixture.ALICE_PASSWORD));
        assertEquals(OK, alice.call("SET", "app/x", "original"));
        int writesBefore = requests.writes().size();
        Conn rob = connect();
        assertEquals(OK, rob.call("AUTH", "rob", AuthFixture.ROB_PASSWORD));
        assertNoperm(rob.call("SET", "app/x", "overwritten"), "rob", "write");
        assertNoperm(rob.call("DEL", "app/x"), "rob", "write");
        assertNoperm(rob.call("APPEND", "app/x", "!"), "rob", "write");
        Conn anonymous = connect();
        assertEquals(NOAUTH, anonymous.call("SET", "app/x", "overwritten"));
        assertEquals(NOAUTH, anonymous.call("DEL", "app/x"));
        // A multi-key write with one key out of reach is refused whole: its allowed key is not written either.
        assertNoperm(alice.call("MSET", "app/x", "overwritten", "other/y", "z"), "alice", "write");
        assertEquals(writesBefore, requests.writes().size(), "no refused write was submitted: " + requests.writes());
        assertEquals("$8\r\noriginal\r\n", alice.call("GET", "app/x"));
        assertEquals("$8\r\noriginal\r\n", rob.call("GET", "app/x"));
        assertEquals(List.of(new Refusal("resp", "permission_denied"), new Refusal("resp", "permission_denied"),
                new Refusal("resp", "permission_denied"), new Refusal("resp", "unauthenticated"),
                new Refusal("resp", "unauthenticated"), new Refusal("resp", "permission_denied")), List.copyOf(refusals));
    }

    // ---- HELLO ... AUTH ----

    @Test
    void helloWithAuthSignsIn() {
        start(AuthFixture.ENABLED);
        Conn c = connect();
        assertTrue(c.call("HELLO", "3").startsWith("%7\r\n"), "HELLO without AUTH needs no sign-in");
        assertEquals(NOAUTH, c.call("GET", "app/x"), "but signs nobody in");
        assertEquals(WRONGPASS, c.call("HELLO", "3", "AUTH", "alice", "not-alice-password"));
        assertEquals(NOAUTH, c.call("GET", "app/x"));
        String hello = c.call("HELLO", "3", "AUTH", "alice", AuthFixture.ALICE_PASSWORD, "SETNAME", "me");
        assertTrue(hello.startsWith("%7\r\n$6\r\nserver\r\n"), hello);
        assertEquals("_\r\n", c.call("GET", "app/x"), "signed in, speaking RESP3");
        assertEquals(OK, c.call("SET", "app/x", "v"));
        assertEquals("$1\r\nv\r\n", c.call("GET", "app/x"));
        assertEquals("$2\r\nme\r\n", c.call("CLIENT", "GETNAME"));
        assertNoperm(c.call("GET", "other/x"), "alice", "read");

        Conn rob = connect();
        assertTrue(rob.call("HELLO", "2", "AUTH", "rob", AuthFixture.ROB_PASSWORD).startsWith("*14\r\n"));
        assertEquals("$1\r\nv\r\n", rob.call("GET", "app/x"));
        assertEquals(List.of(new Refusal("resp", "unauthenticated"), new Refusal("resp", "unauthenticated"),
                new Refusal("resp", "unauthenticated"), new Refusal("resp", "permission_denied")), List.copyOf(refusals));
    }

    @Test
    void aRealClientSignsInWithItsCredentials() {
        start(AuthFixture.ENABLED);
        RedisClient client = RedisClient.create();
        try {
            RedisURI alice = RedisURI.builder().withHost("127.0.0.1").withPort(port)
                    .withAuthentication("alice", AuthFixture.ALICE_PASSWORD).build();
            try (StatefulRedisConnection<String, String> connection = client.connect(alice)) {
                assertEquals("OK", connection.sync().set("app/lettuce", "yes"));
                assertEquals("yes", connection.sync().get("app/lettuce"));
                io.lettuce.core.RedisCommandExecutionException noperm = assertThrows(
                        io.lettuce.core.RedisCommandExecutionException.class, () -> connection.sync().set("other/x", "v"));
                assertTrue(noperm.getMessage().startsWith("NOPERM"), noperm.getMessage());
            }
            RedisURI wrong = RedisURI.builder().withHost("127.0.0.1").withPort(port)
                    .withAuthentication("alice", "not-alice-password").withTimeout(Duration.ofSeconds(10)).build();
            RedisConnectionException refused = assertThrows(RedisConnectionException.class, () -> client.connect(wrong));
            assertTrue(String.valueOf(causes(refused)).contains("WRONGPASS"), String.valueOf(causes(refused)));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
        }
    }

    // ---- (7) auth off ----

    @Test
    void withAuthOffEverythingWorksAndAuthStillChecks() {
        start(AccessTable.EMPTY);
        Conn c = connect();
        assertEquals("+PONG\r\n", c.call("PING"));
        assertEquals(OK, c.call("SET", "other/x", "free"));
        assertEquals("$4\r\nfree\r\n", c.call("GET", "other/x"));
        assertEquals(":1\r\n", c.call("DBSIZE"));
        assertTrue(c.call("SCAN", "0").startsWith("*2\r\n"));
        // Nobody exists yet: AUTH is refused, as Redis refuses it, and the connection goes on as before.
        assertEquals(WRONGPASS, c.call("AUTH", "x", "y"));
        assertEquals(WRONGPASS, c.call("AUTH", "alice", AuthFixture.ALICE_PASSWORD));
        assertEquals(WRONGPASS, c.call("AUTH", "pw"));
        assertEquals(OK, c.call("SET", "other/x", "still-free"));
        assertEquals("$10\r\nstill-free\r\n", c.call("GET", "other/x"));
        assertTrue(c.call("HELLO", "3").startsWith("%7\r\n"));
        // The refused AUTHs are counted; the commands were not refused.
        assertRefusals(3, new Refusal("resp", "unauthenticated"));
    }

    @Test
    void beforeTheFirstTableACommandWaitsForItThenIsJudgedByIt() throws Exception {
        ShardLimits limits = new ShardLimits(64, 1024, 1 << 20);
        pacer = new ScheduledPacer();
        requests = new RecordingKvRequests(AuthFixture.inMemoryPath(limits, clock::get, pacer));
        AccessRules rules = new AccessRules();
        server = new RespServer(requests, "self", 1024, Duration.ofSeconds(5), clock::get,
                () -> new CacheStats(1536, 1L << 30, "allkeys-lru", 3, 300, 2, 10, 4),
                AuthFixture.doorkeeper(rules, refusals));
        port = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Conn c = connect();
        java.util.concurrent.CompletableFuture<String> get = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> c.call("GET", "app/x"));
        Thread.sleep(200); // the command is (very likely) waiting by now; the outcome is the same either way
        assertTrue(requests.submitted.isEmpty(), "nothing reached the request path: " + requests.submitted);
        rules.learn(AuthFixture.ENABLED);
        assertEquals("-NOAUTH Authentication required.", get.get().strip());
        assertEquals("+OK", c.call("AUTH", "alice", AuthFixture.ALICE_PASSWORD).strip());
        assertTrue(requests.submitted.isEmpty(), "nothing reached the request path: " + requests.submitted);
    }

    // ---- helpers ----

    private static void assertNoperm(String reply, String user, String what) {
        assertTrue(reply.startsWith("-NOPERM User " + user + " ") && reply.contains(what), reply);
    }

    private void assertRefusals(int n, Refusal expected) {
        List<Refusal> want = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            want.add(expected);
        }
        assertEquals(want, List.copyOf(refusals));
    }

    private static List<String> causes(Throwable t) {
        List<String> out = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.add(String.valueOf(c.getMessage()));
        }
        return out;
    }

    private Conn connect() {
        Conn c = new Conn(port);
        conns.add(c);
        return c;
    }

    /** One RESP connection, a command at a time: each call returns the raw text of its one reply. */
    private static final class Conn implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conn(int port) {
            try {
                socket = new Socket(InetAddress.getLoopbackAddress(), port);
                socket.setSoTimeout(10_000);
                in = socket.getInputStream();
                out = socket.getOutputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String call(String... words) {
            StringBuilder b = new StringBuilder("*").append(words.length).append("\r\n");
            for (String w : words) {
                b.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
            }
            return send(b.toString());
        }

        String inline(String line) {
            return send(line + "\r\n");
        }

        private String send(String request) {
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                readReply(in, reply);
                return reply.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void readReply(InputStream in, ByteArrayOutputStream out) throws IOException {
            String line = readLine(in, out);
            char type = line.charAt(0);
            if (type == '$' && !line.equals("$-1")) {
                int n = Integer.parseInt(line.substring(1));
                out.write(in.readNBytes(n + 2));
            } else if (type == '*' || type == '%') {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < n * (type == '%' ? 2 : 1); i++) {
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

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
