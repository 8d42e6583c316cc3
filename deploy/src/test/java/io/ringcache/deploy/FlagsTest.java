package io.ringcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.ringcache.node.app.StoreFlags;
import io.ringcache.placement.app.PdFlags;
import io.ringcache.placement.core.PdMember;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flags (and RINGCACHE_* variables) the manifests and render.yaml pass are ones the binaries accept: each pod's
 * command line is parsed with the launchers' real picocli commands, then its values are checked against the objects.
 */
class FlagsTest {

    private static final String PD_MAIN = "io.ringcache.placement.app.PlacementDriverMain";
    private static final String STORE_MAIN = "io.ringcache.node.app.StoreNodeMain";

    private static String mainClass(Container c) throws ClassNotFoundException {
        List<String> cmd = c.getCommand();
        String main = cmd.get(cmd.size() - 1);
        Class.forName(main); // the class the image must run exists
        return main;
    }

    private static String host(String sts, int i, StatefulSet set) {
        return sts + "-" + i + "." + set.getSpec().getServiceName() + "." + Pods.NAMESPACE + ".svc";
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void placementDriverMembersAcceptTheirFlagsAndListEachOther(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        StatefulSet pd = m.named(StatefulSet.class, "ringcache-pd");
        Container c = Pods.container(pd, "pd");
        assertEquals(PD_MAIN, mainClass(c));
        int members = pd.getSpec().getReplicas();
        for (int i = 0; i < members; i++) {
            Map<String, String> env = Pods.environment(m, pd, c, i);
            List<String> flags = Pods.effectiveFlags(Pods.args(c, env), env, PdFlags.envOptions(), "RINGCACHE_PD_", "ringcache-pd");
            PdFlags.Parsed p = PdFlags.parse(flags);
            String pod = "ringcache-pd-" + i;
            assertEquals(pod, p.id(), "a member's id is its pod name");
            assertEquals(Pods.portNumber(c, "grpc"), Pods.portOf(p.grpcAddr()));
            assertEquals(Pods.portNumber(c, "raft"), Pods.portOf(p.raftAddr()));
            assertEquals(Pods.portNumber(c, "http"), Pods.portOf(p.httpAddr()));
            assertTrue(p.dataDir().startsWith("/data/"), "PD data on the volume: " + p.dataDir());
            List<PdMember> expected = new ArrayList<>();
            for (int j = 0; j < members; j++) {
                String h = host("ringcache-pd", j, pd);
                expected.add(new PdMember("ringcache-pd-" + j, h + ":" + Pods.portNumber(c, "raft"), h + ":" + Pods.portNumber(c, "grpc")));
            }
            assertEquals(expected, p.members(), "-peers lists every pod of the StatefulSet by its headless DNS name");
            int stores = m.named(StatefulSet.class, "ringcache-store").getSpec().getReplicas();
            assertTrue(p.replicas() <= stores, "-replicas " + p.replicas() + " needs at least as many stores (" + stores + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void storesAcceptTheirFlagsAdvertiseTheirDnsNamesAndFindThePd(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        StatefulSet store = m.named(StatefulSet.class, "ringcache-store");
        StatefulSet pd = m.named(StatefulSet.class, "ringcache-pd");
        Container c = Pods.container(store, "store");
        Container pdc = Pods.container(pd, "pd");
        assertEquals(STORE_MAIN, mainClass(c));
        for (int i = 0; i < store.getSpec().getReplicas() + 2; i++) { // and after scaling up by two
            Map<String, String> env = Pods.environment(m, store, c, i);
            List<String> flags = Pods.effectiveFlags(Pods.args(c, env), env, StoreFlags.envOptions(), "RINGCACHE_", "ringcache-store");
            StoreFlags.Parsed s = StoreFlags.parse(flags);
            assertEquals("ringcache-store-" + i, s.nodeId(), "a store's id is its pod name");
            assertEquals(host("ringcache-store", i, store), s.raftAdvertise(), "advertised through the headless Service");
            assertEquals(Pods.portNumber(c, "http"), Pods.portOf(s.httpAddr()));
            assertEquals(Pods.portNumber(c, "grpc"), Pods.portOf(s.grpcAddr()), "a fixed gRPC port the Service names");
            assertEquals(Pods.portNumber(c, "raft"), Pods.portOf(s.raftAddr()));
            assertTrue(s.raftDir().startsWith("/data/"), "Raft data on the volume: " + s.raftDir());
            assertEquals(false, s.bootstrap(), "stores join the PD StatefulSet, they do not bootstrap their own");
            List<String> pdAddrs = new ArrayList<>();
            for (int j = 0; j < pd.getSpec().getReplicas(); j++) {
                pdAddrs.add(host("ringcache-pd", j, pd) + ":" + Pods.portNumber(pdc, "grpc"));
            }
            assertEquals(pdAddrs, s.pd(), "-pd names every PD member");
            assertEquals(Map.of("host", Pods.NODE), s.labels());
        }
    }

    @Test
    void aFlagTheBinaryDoesNotKnowIsRejected() {
        // The checks above mean something only if the real commands refuse what they do not know.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreFlags.parse(List.of("-node_id", "x", "-pd", "a:1", "-raft_adress", "b")));
        assertTrue(e.getMessage().contains("raft_adress"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PdFlags.parse(List.of("-id", "pd-9", "-peers", "pd-0=a:1/a:2")));
        assertThrows(AssertionError.class, () -> Pods.effectiveFlags(List.of(), Map.of("RINGCACHE_NODE_IDD", "x"),
                StoreFlags.envOptions(), "RINGCACHE_", "ringcache-store"));
    }

    @Test
    void renderBlueprintRunsOneBootstrapNodeOnPort8000() throws IOException {
        JsonNode root = new YAMLMapper().readTree(Files.readString(Tools.root().resolve("render.yaml")));
        JsonNode services = root.path("services");
        assertEquals(1, services.size());
        JsonNode web = services.get(0);
        assertEquals("web", web.path("type").asText());
        assertEquals("docker", web.path("runtime").asText());
        assertEquals("/health", web.path("healthCheckPath").asText());
        assertTrue(Files.isRegularFile(Tools.root().resolve(web.path("dockerfilePath").asText())), "the Dockerfile it names");
        assertTrue(web.path("disk").isMissingNode(), "the free plan has no disk; the file says data is lost");
        Map<String, String> env = new LinkedHashMap<>();
        web.path("envVars").forEach(v -> env.put(v.path("key").asText(), v.path("value").asText()));
        assertEquals("8000", env.get("PORT"));
        List<String> flags = Pods.effectiveFlags(List.of(), env, StoreFlags.envOptions(), "RINGCACHE_", "render.yaml");
        StoreFlags.Parsed s = StoreFlags.parse(flags);
        assertEquals(8000, Pods.portOf(s.httpAddr()));
        assertTrue(s.bootstrap(), "a single node runs its own placement driver");
        assertTrue(s.raftDir().startsWith("/tmp/"), s.raftDir());
        assertTrue(Files.readString(Tools.root().resolve("render.yaml")).contains("LOSES ALL DATA"));
    }
}
