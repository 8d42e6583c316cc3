package io.ringcache.placement.app.ringctl;

import static io.ringcache.placement.app.ringctl.RingctlTestSupport.IN_PROCESS;
import static io.ringcache.placement.app.ringctl.RingctlTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.ringcache.proto.v1.GetClusterStatusRequest;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Leader following, the error classes and their exit codes, usage, help and version. */
class RingctlErrorsTest {

    private RingctlTestSupport support;
    private FakePd leader;

    @BeforeEach
    void start() {
        support = new RingctlTestSupport();
        leader = support.serve(FakePd.standard(RingctlTestSupport.address("leader")));
        leader.advance = false;
    }

    @AfterEach
    void stop() {
        support.close();
    }

    private static void assertOneErrorLine(RingctlTestSupport.Result r, int code, String message) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertEquals(List.of("ringctl: " + message), r.errLines());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void followsTheLeaderHint() {
        FakePd follower = support.serve(FakePd.standard(RingctlTestSupport.address("follower")));
        follower.redirectTo = leader.address;
        RingctlTestSupport.Result r = run("--pd", follower.address, "stores");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("s1"), r.out());
        assertEquals(1, follower.adminCalls);
        assertEquals(1, leader.received(GetClusterStatusRequest.class).size());
    }

    @Test
    void followsAChainOfHintsButNotForever() {
        FakePd a = support.serve(new FakePd(RingctlTestSupport.address("a")));
        FakePd b = support.serve(new FakePd(RingctlTestSupport.address("b")));
        a.redirectTo = b.address;
        b.redirectTo = leader.address;
        assertEquals(0, run("--pd", a.address, "status").code());

        b.redirectTo = a.address; // a loop
        RingctlTestSupport.Result r = run("--pd", a.address, "status");
        assertEquals(ExitCodes.UNREACHABLE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("ringctl: no PD leader found: gave up after 5 leader redirects"), r.err());
        // the first run's call, then a, b, a, b, a, b: the first call and 5 redirects followed
        assertEquals(1 + 3, a.adminCalls);
        assertEquals(1 + 3, b.adminCalls);
    }

    @Test
    void noLeaderKnownIsUnavailable() {
        leader.redirectTo = "";
        assertOneErrorLine(run("--pd", leader.address, "operators"), ExitCodes.UNREACHABLE,
                "the PD has no leader right now (" + leader.address + " knows none; election in progress?); try again");
    }

    @Test
    void skipsUnreachableSeeds() {
        String dead = RingctlTestSupport.address("dead");
        RingctlTestSupport.Result r = run("--pd", dead + "," + leader.address, "status");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void unreachable() {
        String dead = RingctlTestSupport.address("dead");
        RingctlTestSupport.Result r = run("--pd", dead, "status");
        assertEquals(ExitCodes.UNREACHABLE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("ringctl: PD unreachable at " + dead + ": "), r.err());
    }

    @Test
    void refusalsExitOne() {
        assertOneErrorLine(run("--pd", leader.address, "cancel", "op-99"), ExitCodes.REFUSED, "no operator op-99");
        assertOneErrorLine(run("--pd", leader.address, "move-replica", "9", "s1", "s2"), ExitCodes.REFUSED, "no shard 9");
        assertOneErrorLine(run("--pd", leader.address, "remove-store", "s1"), ExitCodes.REFUSED,
                "store s1 still holds 4 replicas; drain it first");
        assertOneErrorLine(run("--pd", leader.address, "transfer-leader", "0", "s4"), ExitCodes.REFUSED,
                "store s4 holds no voter of shard 0");
    }

    @Test
    void refusalFromTheLeaderAfterARedirect() {
        FakePd follower = support.serve(new FakePd(RingctlTestSupport.address("follower")));
        follower.redirectTo = leader.address;
        assertOneErrorLine(run("--pd", follower.address, "cancel", "op-99"), ExitCodes.REFUSED, "no operator op-99");
    }

    @Test
    void usageErrorsExitTwo() {
        assertOneErrorLine(run("bogus"), ExitCodes.USAGE, "Unmatched argument at index 0: 'bogus' (see 'ringctl --help')");
        assertOneErrorLine(run("move-replica", "x", "s1", "s2"), ExitCodes.USAGE,
                "Invalid value for positional parameter at index 0 (SHARD): 'x' is not an int (see 'ringctl move-replica --help')");
        assertOneErrorLine(run("move-replica", "1"), ExitCodes.USAGE,
                "Missing required parameters: 'FROM', 'TO' (see 'ringctl move-replica --help')");
        assertOneErrorLine(run("--pd", "nocolon", "status"), ExitCodes.USAGE,
                "Invalid value for option '--pd' (HOST:PORT): 'nocolon' is not HOST:PORT (see 'ringctl --help')");
        assertOneErrorLine(run("status", "--output", "xml"), ExitCodes.USAGE,
                "Invalid value for option '--output': expected one of [table, json] (case-insensitive) but was 'xml'"
                        + " (see 'ringctl status --help')");
        assertOneErrorLine(run("rebalance", "--timeout", "soon"), ExitCodes.USAGE,
                "Invalid value for option '--timeout': 'soon' is not a duration (e.g. 500ms, 30s, 10m, 1h)"
                        + " (see 'ringctl rebalance --help')");
        assertOneErrorLine(run(), ExitCodes.USAGE, "missing command (see 'ringctl --help')");
        assertOneErrorLine(run("--pd", leader.address, "--tls-ca", "/no/such/ca.pem", "status"), ExitCodes.USAGE,
                "cannot read TLS file /no/such/ca.pem");
        assertOneErrorLine(run("--pd", leader.address, "--tls-cert", "/no/such/cert.pem", "status"), ExitCodes.USAGE,
                "TLS needs --tls-ca (or RINGCACHE_TLS_CA), the cluster's CA bundle");
        assertOneErrorLine(run(Map.of("RINGCACHE_PD", "bad"), IN_PROCESS, "status"), ExitCodes.USAGE,
                "RINGCACHE_PD: 'bad' is not HOST:PORT");
    }

    @Test
    void hotShowsTextKeysAsTextAndBinaryKeysInHex() {
        assertEquals("user:42", HotCommand.shown(java.util.Base64.getEncoder().encodeToString("user:42".getBytes())));
        assertEquals("0x00ff", HotCommand.shown(java.util.Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xFF})));
    }

    @Test
    void helpOnEveryCommand() {
        CommandLine cl = RingctlMain.commandLine(RingctlEnv.system());
        for (String name : cl.getSubcommands().keySet()) {
            RingctlTestSupport.Result r = run(name, "--help");
            assertEquals(0, r.code(), name);
            assertTrue(r.out().startsWith("Usage: ringctl " + name), r.out());
            assertTrue(r.out().contains("--pd=HOST:PORT"), name + ": " + r.out());
            assertTrue(r.out().contains("--output"), name);
            assertTrue(r.out().contains("--timeout"), name);
            assertEquals("", r.err());
            for (String nested : cl.getSubcommands().get(name).getSubcommands().keySet()) {
                RingctlTestSupport.Result n = run(name, nested, "--help");
                assertEquals(0, n.code(), name + " " + nested);
                assertTrue(n.out().startsWith("Usage: ringctl " + name + " " + nested), n.out());
                assertTrue(n.out().contains("--user"), name + " " + nested + ": " + n.out());
            }
        }
        assertEquals(17, cl.getSubcommands().size());
        RingctlTestSupport.Result top = run("--help");
        assertTrue(top.out().contains("Exit codes:"), top.out());
        assertTrue(top.out().contains("RINGCACHE_PD"), top.out());
    }

    @Test
    void version() {
        RingctlTestSupport.Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("ringctl "), r.out());
    }

    @Test
    void globalOptionsBeforeOrAfterTheCommand() {
        assertEquals(0, run("--pd", leader.address, "-o", "json", "stores").code());
        RingctlTestSupport.Result after = run("stores", "--pd", leader.address, "--output", "JSON");
        assertEquals(0, after.code(), after.err());
        assertTrue(after.out().startsWith("{"), after.out());
    }

    @Test
    void pdAddressFromTheEnvironment() {
        RingctlTestSupport.Result r = run(Map.of("RINGCACHE_PD", "nowhere.test:1, " + leader.address), IN_PROCESS, "stores");
        assertEquals(0, r.code(), r.err());
        RingctlTestSupport.Result flagWins = run(Map.of("RINGCACHE_PD", leader.address), IN_PROCESS,
                "--pd", RingctlTestSupport.address("dead"), "stores");
        assertEquals(ExitCodes.UNREACHABLE, flagWins.code());
    }

    @Test
    void overNettyAndToAClosedPort() throws Exception {
        FakePd pd = FakePd.standard("netty");
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(pd).build().start();
        try {
            RingctlTestSupport.Result r = run(Map.of(), RingctlEnv::netty, "--pd", "127.0.0.1:" + server.getPort(), "stores");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("s4"), r.out());
        } finally {
            server.shutdownNow();
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        RingctlTestSupport.Result r = run(Map.of(), RingctlEnv::netty, "--pd", "127.0.0.1:" + closed, "status");
        assertEquals(ExitCodes.UNREACHABLE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("ringctl: PD unreachable at 127.0.0.1:" + closed), r.err());
    }
}
