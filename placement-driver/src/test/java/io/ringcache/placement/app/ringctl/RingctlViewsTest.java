package io.ringcache.placement.app.ringctl;

import static io.ringcache.placement.app.ringctl.RingctlTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ringcache.proto.v1.ListOperatorsRequest;
import io.ringcache.routing.HashRing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read-only commands, as tables and as JSON, against the standard fake cluster. */
class RingctlViewsTest {

    private RingctlTestSupport support;
    private FakePd pd;

    @BeforeEach
    void start() {
        support = new RingctlTestSupport();
        pd = support.serve(FakePd.standard(RingctlTestSupport.address("pd")));
        pd.advance = false;
    }

    @AfterEach
    void stop() {
        support.close();
    }

    private static JsonObject json(RingctlTestSupport.Result r) {
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void statusTable() {
        RingctlTestSupport.Result r = run("--pd", pd.address, "status");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        String out = r.out();
        assertTrue(out.contains("Health      DEGRADED"), out);
        assertTrue(out.contains("PD leader   pd1 at " + pd.address), out);
        assertTrue(out.contains("pd1* (" + pd.address + "), pd2 (pd2.local:9090)"), out);
        assertTrue(out.contains("Stores      4: 3 up, 1 down, 0 draining, 0 removed; down: s4"), out);
        assertTrue(out.contains("4 (target 3 replicas), 2 under-replicated"), out);
        assertTrue(out.contains("shard 2: voter s4 is DOWN"), out);
        assertTrue(out.contains("shard 3: 2 of 3 voters"), out);
        assertTrue(out.contains("Operators   1 running, 0 pending"), out);
    }

    @Test
    void statusJson() {
        JsonObject o = json(run("--pd", pd.address, "status", "--output", "json"));
        assertFalse(o.get("healthy").getAsBoolean());
        assertEquals("pd1", o.getAsJsonObject("pd").getAsJsonObject("leader").get("id").getAsString());
        assertEquals(2, o.getAsJsonObject("pd").getAsJsonArray("members").size());
        assertEquals(7, o.get("epoch").getAsLong());
        JsonObject stores = o.getAsJsonObject("stores");
        assertEquals(3, stores.get("up").getAsInt());
        assertEquals(1, stores.get("down").getAsInt());
        assertEquals("s4", stores.getAsJsonArray("down_ids").get(0).getAsString());
        JsonArray under = o.getAsJsonObject("shards").getAsJsonArray("under_replicated");
        assertEquals(2, under.size());
        assertEquals(2, under.get(0).getAsJsonObject().get("shard").getAsInt());
        assertEquals("voter s4 is DOWN", under.get(0).getAsJsonObject().getAsJsonArray("reasons").get(0).getAsString());
        assertEquals(1, o.getAsJsonObject("operators").get("running").getAsInt());
    }

    @Test
    void healthyClusterStatus() {
        FakePd ok = support.serve(FakePd.imbalanced(RingctlTestSupport.address("ok")));
        RingctlTestSupport.Result r = run("--pd", ok.address, "status");
        assertTrue(r.out().contains("Health      OK"), r.out());
        assertTrue(r.out().contains("0 under-replicated"), r.out());
    }

    @Test
    void storesTable() {
        RingctlTestSupport.Result r = run("--pd", pd.address, "stores");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.out());
        assertTrue(lines.get(0).matches("ID\\s+STATE\\s+GRPC\\s+HTTP\\s+RAFT\\s+ZONE\\s+REPLICAS\\s+LEADERS\\s+OPS/S\\s+HEARTBEAT\\s+DATA\\s+MEMORY"),
                lines.get(0));
        assertTrue(lines.get(1).matches("s1\\s+UP\\s+s1.local:7000\\s+s1.local:8080\\s+s1.local:11000\\s+a\\s+4\\s+2\\s+120.5\\s+800ms\\s+12.0MiB\\s+256.0MiB/1.0GiB"),
                lines.get(1));
        assertTrue(lines.get(3).contains("1m05s"), lines.get(3));
        assertTrue(lines.get(4).matches("s4\\s+DOWN\\s+.*\\s+1\\s+0\\s+0.0\\s+never\\s+3.0MiB\\s+-"), lines.get(4));
        // aligned: every column starts at the same offset on every line
        int stateColumn = lines.get(0).indexOf("STATE");
        for (String line : lines) {
            assertTrue(line.charAt(stateColumn - 1) == ' ' && line.charAt(stateColumn) != ' ', line);
        }
    }

    @Test
    void storesJson() {
        JsonObject o = json(run("--pd", pd.address, "-o", "json", "stores"));
        JsonArray stores = o.getAsJsonArray("stores");
        assertEquals(4, stores.size());
        JsonObject s1 = stores.get(0).getAsJsonObject();
        assertEquals("s1", s1.get("id").getAsString());
        assertEquals("UP", s1.get("state").getAsString());
        assertEquals("s1.local:7000", s1.get("grpc_address").getAsString());
        assertEquals("a", s1.get("zone").getAsString());
        assertEquals(4, s1.get("replicas").getAsInt());
        assertEquals(2, s1.get("leaders").getAsInt());
        assertEquals(800, s1.get("heartbeat_age_ms").getAsLong());
        assertEquals(12L << 20, s1.get("data_bytes").getAsLong());
        assertEquals(-1, stores.get(3).getAsJsonObject().get("heartbeat_age_ms").getAsLong());
    }

    @Test
    void shardsTableAndFilter() {
        RingctlTestSupport.Result r = run("--pd", pd.address, "shards");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.out());
        assertTrue(lines.get(0).matches("SHARD\\s+VOTERS\\s+LEARNERS\\s+LEADER\\s+CONF\\s+OPS/S\\s+ENTRIES\\s+BYTES\\s+KEY-SHARE"),
                lines.get(0));
        assertTrue(lines.get(1).matches("\\s*0\\s+s1,s2,s3\\s+-\\s+s1\\s+1\\s+120.5\\s+1000\\s+2.0MiB\\s+25.00%"), lines.get(1));
        assertTrue(lines.get(4).matches("\\s*3\\s+s2,s3\\s+s1\\s+s3\\s+5\\s+.*25.00%"), lines.get(4));

        RingctlTestSupport.Result s4 = run("--pd", pd.address, "shards", "--store", "s4");
        List<String> only = s4.out().lines().toList();
        assertEquals(2, only.size(), s4.out());
        assertTrue(only.get(1).strip().startsWith("2 "), only.get(1));

        RingctlTestSupport.Result unknown = run("--pd", pd.address, "shards", "--store", "s9");
        assertEquals(ExitCodes.REFUSED, unknown.code());
        assertEquals(List.of("ringctl: unknown store s9"), unknown.errLines());
    }

    @Test
    void shardsJson() {
        JsonObject o = json(run("--pd", pd.address, "shards", "-o", "json", "--store", "s1"));
        JsonArray shards = o.getAsJsonArray("shards");
        assertEquals(4, shards.size()); // s1 is a learner of shard 3
        JsonObject s3 = shards.get(3).getAsJsonObject();
        assertEquals(3, s3.get("shard").getAsInt());
        assertEquals("s1", s3.getAsJsonArray("learners").get(0).getAsString());
        assertEquals(5, s3.get("conf_version").getAsLong());
        assertEquals(0.25, s3.get("key_share").getAsDouble(), 1e-9);
    }

    @Test
    void ringTableAndJson() {
        RingctlTestSupport.Result r = run("--pd", pd.address, "ring");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Ring: 4 tokens, 4 shards, epoch 7"), r.out());
        // s1 leads shards 0 and 2 (50%) and holds voters of 0, 1, 2 (75%)
        assertTrue(r.out().lines().anyMatch(l -> l.matches("s1\\s+2\\s+50.00%\\s+3\\s+75.00%")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("s4\\s+0\\s+0.00%\\s+1\\s+25.00%")), r.out());

        JsonObject o = json(run("--pd", pd.address, "ring", "-o", "json"));
        assertEquals(4, o.getAsJsonArray("shards").size());
        JsonObject s1 = o.getAsJsonArray("stores").get(0).getAsJsonObject();
        assertEquals("s1", s1.get("store").getAsString());
        assertEquals(0.5, s1.get("leader_share").getAsDouble(), 1e-9);
        assertEquals(0.75, s1.get("replica_share").getAsDouble(), 1e-9);
    }

    @Test
    void ringWorksOnAFollower() {
        pd.redirectTo = ""; // no leader known: GetPartitionMap is still served
        assertEquals(0, run("--pd", pd.address, "ring").code());
    }

    @Test
    void locate() {
        HashRing ring = HashRing.of(pd.tokens, pd.owners);
        for (String key : List.of("hello", "user:42", "a", "zzz")) {
            int shard = ring.shardForKey(key.getBytes(StandardCharsets.UTF_8));
            FakePd.Shard s = pd.shards.get(shard);
            RingctlTestSupport.Result r = run("--pd", pd.address, "locate", key);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("shard     " + shard + "\n"), r.out());
            assertTrue(r.out().contains("leader    " + s.leader + " (" + s.leader + ".local:7000)"), r.out());
            assertTrue(r.out().contains("voters    " + String.join(",", s.voters)), r.out());

            JsonObject o = json(run("--pd", pd.address, "locate", key, "-o", "json"));
            assertEquals(shard, o.get("shard").getAsInt());
            assertEquals(s.leader, o.get("leader").getAsString());
        }
        // "hello" hashes to 0xc4375797e520fd5f (KeyHash's reference value): above 3/4 of the ring, so shard 3
        JsonObject hello = json(run("--pd", pd.address, "locate", "--hex", "68656c6c6f", "-o", "json"));
        assertEquals("0xc4375797e520fd5f", hello.get("hash").getAsString());
        assertEquals(3, hello.get("shard").getAsInt());
    }

    @Test
    void operatorsTableAndAll() {
        RingctlTestSupport.Result r = run("--pd", pd.address, "operators");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).matches("ID\\s+SHARD\\s+KIND\\s+FROM\\s+TO\\s+STATUS\\s+STEP\\s+REASON\\s+ORIGIN\\s+AGE"), lines.get(0));
        assertTrue(lines.get(1).matches("op-1\\s+3\\s+MOVE_REPLICA\\s+-\\s+s1\\s+RUNNING\\s+catch-up\\s+learner at 10/20\\s+repair\\s+1m40s"),
                lines.get(1));
        assertFalse(pd.received(ListOperatorsRequest.class).get(0).getIncludeFinished());

        RingctlTestSupport.Result all = run("--pd", pd.address, "operators", "--all");
        assertEquals(3, all.out().lines().count(), all.out());
        assertTrue(all.out().contains("TRANSFER_LEADER"), all.out());
        assertTrue(pd.received(ListOperatorsRequest.class).get(1).getIncludeFinished());
    }

    @Test
    void operatorsJson() {
        JsonObject o = json(run("--pd", pd.address, "operators", "--all", "-o", "json"));
        JsonArray ops = o.getAsJsonArray("operators");
        assertEquals(2, ops.size());
        JsonObject op = ops.get(0).getAsJsonObject();
        assertEquals("op-1", op.get("id").getAsString());
        assertEquals("MOVE_REPLICA", op.get("kind").getAsString());
        assertEquals("RUNNING", op.get("status").getAsString());
        assertEquals("", op.get("from").getAsString());
        assertEquals("s1", op.get("to").getAsString());
        assertEquals(100_000, op.get("age_ms").getAsLong());
    }

    @Test
    void noOperators() {
        pd.ops.clear();
        assertEquals("no unfinished operators (--all shows finished ones)\n", run("--pd", pd.address, "operators").out());
        assertEquals("{\n  \"operators\": []\n}\n", run("--pd", pd.address, "operators", "-o", "json").out());
    }
}
