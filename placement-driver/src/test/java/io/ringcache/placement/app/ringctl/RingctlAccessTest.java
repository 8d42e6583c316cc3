package io.ringcache.placement.app.ringctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.ringcache.placement.adapter.grpc.PlacementDriverService;
import io.ringcache.placement.adapter.memory.InMemoryPlacementLog;
import io.ringcache.placement.app.PlacementDriverServer;
import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.core.PlacementDriver;
import io.ringcache.placement.core.PlacementMembership;
import io.ringcache.placement.core.SchedulingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ringctl user, role and auth against the real PD service (in memory, in process) behind the
 * same auth interceptor as a real PD: setting up users and roles, turning auth on, signing in by
 * password and token, and every refusal with its exit code. Nothing secret reaches the output.
 */
class RingctlAccessTest {

    private static final PdMember SELF = new PdMember("pd1", "127.0.0.1:7001", "127.0.0.1:9001");

    @TempDir
    Path dir;
    private final InMemoryPlacementLog log = new InMemoryPlacementLog();
    private final List<String> refusals = new ArrayList<>();
    private Server server;
    private String address;
    private Path rootPassword;
    private Path alicePassword;

    @BeforeEach
    void start() throws Exception {
        start("");
        rootPassword = Files.writeString(dir.resolve("root.pw"), "root-password-1\n");
        alicePassword = Files.writeString(dir.resolve("alice.pw"), "alice-password-1\n");
    }

    private void start(String authPossible) throws Exception {
        if (server != null) {
            server.shutdownNow();
        }
        PlacementMembership membership = new PlacementMembership() {
            @Override
            public boolean isReadyLeader() {
                return true;
            }

            @Override
            public Optional<PdMember> leader() {
                return Optional.of(SELF);
            }

            @Override
            public List<PdMember> members() {
                return List.of(SELF);
            }
        };
        PlacementDriverService service = new PlacementDriverService(new PlacementDriver(log, SchedulingConfig.defaults(4)),
                log, membership, System::currentTimeMillis, () -> { }, authPossible);
        address = RingctlTestSupport.address("pd");
        server = InProcessServerBuilder.forName(address).directExecutor()
                .addService(io.grpc.ServerInterceptors.intercept(service,
                        PlacementDriverServer.callerAuth(() -> log.current().access(), null, refusals::add)))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    private RingctlTestSupport.Result ringctl(String... args) {
        List<String> all = new ArrayList<>(List.of("--pd", address));
        all.addAll(List.of(args));
        return RingctlTestSupport.run(Map.of(), RingctlTestSupport.IN_PROCESS, all.toArray(new String[0]));
    }

    private RingctlTestSupport.Result asRoot(String... args) {
        List<String> all = new ArrayList<>(List.of("--user", "root", "--password-file", rootPassword.toString()));
        all.addAll(List.of(args));
        return ringctl(all.toArray(new String[0]));
    }

    private static void ok(RingctlTestSupport.Result r) {
        assertEquals(ExitCodes.OK, r.code(), r.err());
    }

    private void setUp() {
        ok(ringctl("role", "add", "ops"));
        ok(ringctl("role", "grant", "ops", "admin"));
        ok(ringctl("user", "add", "root", "--new-password-file", rootPassword.toString()));
        ok(ringctl("user", "grant-role", "root", "ops"));
        ok(ringctl("role", "add", "app"));
        ok(ringctl("role", "grant", "app", "readwrite", "app/"));
        ok(ringctl("user", "add", "alice", "--new-password-file", alicePassword.toString()));
        ok(ringctl("user", "grant-role", "alice", "app"));
    }

    @Test
    void usersRolesAndAuthEndToEnd() throws Exception {
        setUp();
        RingctlTestSupport.Result listed = ringctl("-o", "json", "user", "list");
        ok(listed);
        assertTrue(listed.out().contains("\"alice\"") && !listed.out().contains("argon2"), listed.out());
        RingctlTestSupport.Result roles = ringctl("role", "list");
        assertTrue(roles.out().contains("readwrite \"app/\""), roles.out());

        ok(ringctl("auth", "enable"));
        assertTrue(log.current().access().enabled());

        // Not signed in: refused, exit 1, and told how to sign in.
        RingctlTestSupport.Result anonymous = ringctl("auth", "status");
        assertEquals(ExitCodes.REFUSED, anonymous.code());
        assertTrue(anonymous.err().contains("not signed in"), anonymous.err());
        // A wrong password: refused the same way; the password never shows.
        Path wrong = Files.writeString(dir.resolve("wrong.pw"), "not-the-password\n");
        RingctlTestSupport.Result bad = ringctl("--user", "root", "--password-file", wrong.toString(), "auth", "status");
        assertEquals(ExitCodes.REFUSED, bad.code());
        assertFalse(bad.err().contains("not-the-password"));
        // A user without admin: permission denied, and the change did not happen.
        long revision = log.current().access().revision();
        RingctlTestSupport.Result denied = ringctl("--user", "alice", "--password-file", alicePassword.toString(),
                "role", "add", "sneaky");
        assertEquals(ExitCodes.REFUSED, denied.code());
        assertTrue(denied.err().contains("permission denied"), denied.err());
        assertEquals(revision, log.current().access().revision());
        assertTrue(refusals.contains("unauthenticated") && refusals.contains("permission_denied"), refusals.toString());

        RingctlTestSupport.Result status = asRoot("auth", "status");
        ok(status);
        assertTrue(status.out().startsWith("auth enabled: 2 user(s), 2 role(s)"), status.out());

        // A token, shown once; alice signs in with it (reading the map needs only a signed-in user).
        RingctlTestSupport.Result token = asRoot("user", "token", "alice");
        ok(token);
        Path tokenFile = Files.writeString(dir.resolve("alice.token"), token.out());
        assertTrue(token.out().startsWith("rct_"));
        assertFalse(log.current().toString().contains(token.out().strip()));
        ok(ringctl("--token-file", tokenFile.toString(), "ring"));
        ok(asRoot("user", "revoke-tokens", "alice"));
        assertEquals(ExitCodes.REFUSED, ringctl("--token-file", tokenFile.toString(), "ring").code());

        // The last admin cannot be removed while auth is on.
        RingctlTestSupport.Result lockOut = asRoot("user", "delete", "root");
        assertEquals(ExitCodes.REFUSED, lockOut.code());
        assertTrue(lockOut.err().contains("admin"), lockOut.err());

        ok(asRoot("auth", "disable"));
        ok(ringctl("auth", "status"));
    }

    @Test
    void authCannotBeTurnedOnWithoutAnAdminOrWhereMembersCannotBeToldApart() throws Exception {
        RingctlTestSupport.Result noAdmin = ringctl("auth", "enable");
        assertEquals(ExitCodes.REFUSED, noAdmin.code());
        assertTrue(noAdmin.err().contains("admin"), noAdmin.err());
        setUp();
        start("auth needs TLS: start every placement driver and store with -tls_cert");
        RingctlTestSupport.Result noTls = ringctl("auth", "enable");
        assertEquals(ExitCodes.REFUSED, noTls.code());
        assertTrue(noTls.err().contains("auth needs TLS"), noTls.err());
        assertFalse(log.current().access().enabled());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(ExitCodes.USAGE, ringctl("user").code());
        assertEquals(ExitCodes.USAGE, ringctl("role", "grant", "app", "sideways", "x").code());
        assertEquals(ExitCodes.USAGE, ringctl("user", "add", "bob", "--new-password-file", dir.resolve("missing").toString())
                .code());
        assertEquals(ExitCodes.USAGE, ringctl("--user", "a", "--token-file", "t", "auth", "status").code());
        // No terminal to ask for a password.
        assertEquals(ExitCodes.USAGE, ringctl("user", "add", "bob").code());
        // A bad name is the PD's refusal (exit 1), with its reason.
        RingctlTestSupport.Result badName = ringctl("role", "add", "no spaces");
        assertEquals(ExitCodes.REFUSED, badName.code());
        assertTrue(badName.err().contains("name"), badName.err());
    }
}
