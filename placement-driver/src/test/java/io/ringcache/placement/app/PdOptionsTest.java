package io.ringcache.placement.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.placement.core.PdMember;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PdOptionsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final int[] exit = {0};

    private PdOptions parse(String... args) {
        return PlacementDriverMain.parse(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), exit);
    }

    @Test
    void threeMembersFromPeers() {
        PdOptions o = parse("-id", "pd2", "-peers", "pd1=10.0.0.1:7000/10.0.0.1:9090,pd2=10.0.0.2:7000/10.0.0.2:9090,"
                + "pd3=10.0.0.3:7000/10.0.0.3:9090", "--repair-after", "45s", "-down_after", "1500ms", "-shards", "16");
        assertNotNull(o, err.toString());
        List<PdMember> members = o.members();
        assertEquals(3, members.size());
        assertEquals(new PdMember("pd2", "10.0.0.2:7000", "10.0.0.2:9090"), members.get(1));
        assertEquals(45_000, o.scheduling().repairAfterMillis());
        assertEquals(1_500, o.scheduling().downAfterMillis());
        assertEquals(16, o.scheduling().initialShards());
        assertTrue(o.scheduling().autoBalance());
    }

    @Test
    void aSingleMemberAdvertisesItsOwnAddresses() {
        PdOptions o = parse("-grpc_addr", ":9191", "-raft_addr", ":7171", "-auto_balance=false");
        assertNotNull(o, err.toString());
        assertEquals(List.of(new PdMember("pd1", "127.0.0.1:7171", "127.0.0.1:9191")), o.members());
        assertEquals(false, o.scheduling().autoBalance());
    }

    @Test
    void badFlagsAreOneClearLineAndExitTwo() {
        for (String[] args : List.of(new String[] {"-peers", "pd1=nonsense"}, new String[] {"-id", "pd9", "-peers",
                "pd1=a:1/a:2"}, new String[] {"-repair_after", "soon"}, new String[] {"-repair_after", "1s"},
                new String[] {"-replicas", "0"}, new String[] {"-bogus"}, new String[] {"-split_size", "lots"},
                new String[] {"-split_size", "-1MiB"}, new String[] {"-split_load_for", "0s"})) {
            err.reset();
            exit[0] = 0;
            assertNull(parse(args), String.join(" ", args));
            assertEquals(2, exit[0]);
            assertTrue(err.toString().startsWith("ringcache-pd: "), err.toString());
        }
    }

    @Test
    void splitTriggersTakeSizesAndDurations() {
        assertEquals(io.ringcache.placement.core.SplitTriggers.DEFAULTS, parse().scheduling().splits());
        PdOptions o = parse("-split_size", "2GiB", "--split-load", "0", "-split_load_for", "90s", "-max_shards", "64");
        assertNotNull(o, err.toString());
        assertEquals(new io.ringcache.placement.core.SplitTriggers(2L << 30, 0, 90_000, 64), o.scheduling().splits());
        assertEquals(512, io.ringcache.placement.api.ByteSizes.bytes("512", "-x"));
        assertEquals(64L << 10, io.ringcache.placement.api.ByteSizes.bytes("64kb", "-x"));
        assertEquals(0, io.ringcache.placement.api.ByteSizes.bytes("0", "-x"));
    }

    @Test
    void helpListsEveryFlag() {
        assertNull(parse("--help"));
        for (String flag : List.of("-id", "-grpc_addr", "-raft_addr", "-http_addr", "-peers", "-data_dir", "-shards",
                "-replicas", "-down_after", "-repair_after", "-max_moves", "-auto_balance", "-election_timeout", "-split_size",
                "-split_load", "-split_load_for", "-max_shards")) {
            assertTrue(out.toString().contains(flag), flag);
        }
    }
}
