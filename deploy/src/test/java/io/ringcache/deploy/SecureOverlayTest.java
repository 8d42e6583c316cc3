package io.ringcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The secure overlay runs every process on TLS with cert-manager's certificates: each pod reads
 * RINGCACHE_TLS_* files from the Secret its Certificate fills, probes speak HTTPS, and the
 * certificates name every address the pods advertise, with usages for both ends of mutual TLS
 * and keys in the PKCS#8 encoding the processes read.
 */
class SecureOverlayTest {

    private static final Map<String, String> SECRET_OF = Map.of("ringcache-pd", "ringcache-pd-tls",
            "ringcache-store", "ringcache-store-tls");

    @Test
    void everyPodReadsItsCertificateFromTheSecretCertManagerFills() throws IOException {
        Manifests m = Manifests.render("secure");
        List<JsonNode> certificates = certificates();
        for (StatefulSet sts : m.statefulSets()) {
            String name = sts.getMetadata().getName();
            Container c = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, String> env = Pods.environment(m, sts, c, 0);
            Volume tls = sts.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getSecret() != null).findFirst().orElseThrow(() -> new AssertionError(name + ": no Secret volume"));
            assertEquals(SECRET_OF.get(name), tls.getSecret().getSecretName(), name);
            VolumeMount mount = c.getVolumeMounts().stream().filter(vm -> vm.getName().equals(tls.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(name + ": the Secret is not mounted"));
            assertEquals(Boolean.TRUE, mount.getReadOnly(), name);
            assertEquals(mount.getMountPath() + "/tls.crt", env.get("RINGCACHE_TLS_CERT"), name);
            assertEquals(mount.getMountPath() + "/tls.key", env.get("RINGCACHE_TLS_KEY"), name);
            assertEquals(mount.getMountPath() + "/ca.crt", env.get("RINGCACHE_TLS_CA"), name);
            for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
                assertEquals("HTTPS", p.getHttpGet().getScheme(), name + " " + p.getHttpGet().getPath());
            }

            JsonNode cert = certificates.stream().filter(t -> t.path("spec").path("secretName").asText()
                    .equals(SECRET_OF.get(name))).findFirst().orElseThrow(() -> new AssertionError("no Certificate fills "
                    + SECRET_OF.get(name)));
            JsonNode key = cert.path("spec").path("privateKey");
            assertEquals("PKCS8", key.path("encoding").asText(), "ringcache reads PKCS#8 keys");
            List<String> usages = texts(cert.path("spec").path("usages"));
            assertTrue(usages.containsAll(List.of("server auth", "client auth")), "mutual TLS between members: " + usages);
            // Every pod's advertised name (the headless Service's, in the overlay's namespace) is covered.
            String namespace = sts.getMetadata().getNamespace();
            assertNotNull(namespace, "the overlay fixes the namespace the certificates name");
            List<String> dnsNames = texts(cert.path("spec").path("dnsNames"));
            for (int i = 0; i < sts.getSpec().getReplicas() + 2; i++) {
                String host = name + "-" + i + "." + sts.getSpec().getServiceName() + "." + namespace + ".svc";
                assertTrue(dnsNames.stream().anyMatch(d -> matches(d, host)), host + " is not in " + dnsNames);
            }
            assertEquals("ringcache-ca", cert.path("spec").path("issuerRef").path("name").asText());
            // Members are named by common name: each StatefulSet's certificate is a member's for every process.
            assertTrue(List.of(env.get("RINGCACHE_TLS_MEMBER_CN").split(",")).contains(cert.path("spec").path("commonName").asText()),
                    name + ": its certificate's common name is a member name");
        }
    }

    /** The cert-manager objects of certificates.yaml (applied before the overlay). */
    private static List<JsonNode> certificates() throws IOException {
        String yaml = Files.readString(Tools.root().resolve("k8s/overlays/secure/certificates.yaml"));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode t : Manifests.parseYaml(yaml)) {
            assertEquals("cert-manager.io/v1", t.path("apiVersion").asText());
            if (t.path("kind").asText().equals("Certificate")) {
                out.add(t);
            }
        }
        assertTrue(out.stream().anyMatch(t -> t.path("spec").path("isCA").asBoolean()), "a CA certificate");
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** TLS host matching: a leading {@code *.} stands for exactly one label. */
    static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2));
        }
        return pattern.equals(host);
    }
}
