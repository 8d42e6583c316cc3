package io.ringcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the rendered objects fit together: selectors, Services, probes, ports, volumes, the PDBs, sizing. */
class StructureTest {

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private static Map<String, String> podLabels(StatefulSet sts) {
        return sts.getSpec().getTemplate().getMetadata().getLabels();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void statefulSetsSelectTheirPodsAndNameAHeadlessService(String overlay) {
        Manifests m = Manifests.render(overlay);
        for (StatefulSet sts : m.statefulSets()) {
            String n = sts.getMetadata().getName();
            assertTrue(selects(sts.getSpec().getSelector().getMatchLabels(), podLabels(sts)), n + ": selector does not match the pod labels");
            assertTrue(sts.getSpec().getSelector().getMatchExpressions() == null || sts.getSpec().getSelector().getMatchExpressions().isEmpty());
            assertEquals("ringcache", podLabels(sts).get("app"), n + ": pods must carry app=ringcache (the README's kubectl get pods -l app=ringcache)");
            Service svc = m.named(Service.class, sts.getSpec().getServiceName());
            assertEquals("None", svc.getSpec().getClusterIP(), n + ": serviceName " + svc.getMetadata().getName() + " is not headless");
            assertEquals(Boolean.TRUE, svc.getSpec().getPublishNotReadyAddresses(),
                    n + ": Raft peers must resolve members that are not ready yet");
            assertTrue(selects(svc.getSpec().getSelector(), podLabels(sts)), n + ": its headless Service does not select its pods");
            assertEquals("Parallel", sts.getSpec().getPodManagementPolicy(), n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void everyServiceSelectsPodsAndTargetsTheirPorts(String overlay) {
        Manifests m = Manifests.render(overlay);
        for (Service svc : m.services()) {
            String n = svc.getMetadata().getName();
            List<StatefulSet> backends = m.statefulSets().stream().filter(s -> selects(svc.getSpec().getSelector(), podLabels(s))).toList();
            assertEquals(1, backends.size(), "Service " + n + " must select the pods of exactly one StatefulSet");
            PodSpec pod = backends.get(0).getSpec().getTemplate().getSpec();
            for (ServicePort p : svc.getSpec().getPorts()) {
                IntOrString target = p.getTargetPort() != null ? p.getTargetPort() : new IntOrString(p.getPort());
                var cp = Pods.port(pod.getContainers().get(0), target, "Service " + n + " port " + p.getName());
                if (target.getStrVal() != null) {
                    assertEquals(p.getPort(), cp.getContainerPort(), "Service " + n + " port " + p.getName() + " differs from the container's");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void probesHitHealthAndReadyOnContainerPorts(String overlay) {
        Manifests m = Manifests.render(overlay);
        for (StatefulSet sts : m.statefulSets()) {
            for (Container c : sts.getSpec().getTemplate().getSpec().getContainers()) {
                String w = sts.getMetadata().getName() + "/" + c.getName();
                assertProbe(c, c.getLivenessProbe(), "/health", w + " liveness");
                assertProbe(c, c.getStartupProbe(), "/health", w + " startup");
                assertProbe(c, c.getReadinessProbe(), "/ready", w + " readiness");
                // The probes and the HTTP flag agree (the flag's port is checked in FlagsTest).
                assertEquals("http", c.getLivenessProbe().getHttpGet().getPort().getStrVal(), w);
            }
        }
    }

    private static void assertProbe(Container c, Probe probe, String path, String what) {
        assertNotNull(probe, what + " probe missing");
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, what + " probe is not an HTTP GET");
        assertEquals(path, get.getPath(), what);
        Pods.port(c, get.getPort(), what + " probe");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void disruptionBudgetsSelectTheirPodsOnly(String overlay) {
        Manifests m = Manifests.render(overlay);
        for (String name : List.of("ringcache-store", "ringcache-pd")) {
            PodDisruptionBudget pdb = m.named(PodDisruptionBudget.class, name);
            assertEquals(new IntOrString(1), pdb.getSpec().getMaxUnavailable(), name);
            Map<String, String> sel = pdb.getSpec().getSelector().getMatchLabels();
            List<String> selected = m.statefulSets().stream().filter(s -> selects(sel, podLabels(s)))
                    .map(s -> s.getMetadata().getName()).toList();
            assertEquals(List.of(name), selected, "PDB " + name + " must select exactly the " + name + " pods");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void volumesMountsAndFilesystem(String overlay) {
        Manifests m = Manifests.render(overlay);
        for (StatefulSet sts : m.statefulSets()) {
            PodSpec pod = sts.getSpec().getTemplate().getSpec();
            Set<String> volumes = new HashSet<>();
            for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
                volumes.add(v.getName());
            }
            sts.getSpec().getVolumeClaimTemplates().forEach(t -> volumes.add(t.getMetadata().getName()));
            assertTrue(sts.getSpec().getVolumeClaimTemplates().stream().anyMatch(t -> t.getMetadata().getName().equals("data")),
                    sts.getMetadata().getName() + " keeps its Raft data on a volumeClaimTemplate");
            for (Container c : pod.getContainers()) {
                for (VolumeMount vm : c.getVolumeMounts()) {
                    assertTrue(volumes.contains(vm.getName()), c.getName() + " mounts unknown volume " + vm.getName());
                }
                assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem());
                assertTrue(c.getVolumeMounts().stream().anyMatch(vm -> vm.getMountPath().equals("/tmp")),
                        c.getName() + ": a read-only root needs a writable /tmp (Chronicle compiles code at run time)");
                assertTrue(c.getVolumeMounts().stream().anyMatch(vm -> vm.getMountPath().equals("/data") && vm.getName().equals("data")));
            }
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void jvmIsSizedFromTheContainerLimitAndStopsInTime(String overlay) {
        Manifests m = Manifests.render(overlay);
        for (StatefulSet sts : m.statefulSets()) {
            PodSpec pod = sts.getSpec().getTemplate().getSpec();
            for (Container c : pod.getContainers()) {
                String w = sts.getMetadata().getName() + "/" + c.getName();
                Quantity limit = c.getResources().getLimits().get("memory");
                assertNotNull(limit, w + ": memory limit");
                assertEquals(limit, c.getResources().getRequests().get("memory"), w + ": memory request = limit (no overcommit)");
                assertNotNull(c.getResources().getRequests().get("cpu"), w + ": cpu request");
                assertTrue(c.getCommand().stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage=")), w + ": heap from the limit");
                assertFalse(c.getCommand().stream().anyMatch(a -> a.startsWith("-Xmx")), w + ": a fixed -Xmx ignores the limit");
                assertEquals(List.of("java"), c.getCommand().subList(0, 1), w);
                assertTrue(c.getCommand().contains("@/app/jib-classpath-file"), w + ": the image's classpath file");
            }
        }
        // SIGTERM: the store hands its leaderships off within 10 s, then closes its groups.
        StatefulSet store = m.named(StatefulSet.class, "ringcache-store");
        assertTrue(store.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() >= 30,
                "the grace period must cover the 10 s leader hand-off and the close after it");
        var ann = store.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals("true", ann.get("prometheus.io/scrape"));
        assertEquals("/metrics", ann.get("prometheus.io/path"));
        Pods.port(Pods.container(store, "store"), new IntOrString(Integer.parseInt(ann.get("prometheus.io/port"))), "prometheus.io/port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod", "secure"})
    void prodSpreadsPodsAcrossNodesAndZones(String overlay) {
        Manifests m = Manifests.render(overlay);
        for (StatefulSet sts : m.statefulSets()) {
            PodSpec pod = sts.getSpec().getTemplate().getSpec();
            String n = sts.getMetadata().getName();
            List<PodAffinityTerm> anti = pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
            assertTrue(anti.stream().anyMatch(t -> t.getTopologyKey().equals("kubernetes.io/hostname")
                    && selects(t.getLabelSelector().getMatchLabels(), podLabels(sts))), n + ": one pod per node");
            List<TopologySpreadConstraint> spread = pod.getTopologySpreadConstraints();
            assertTrue(spread.stream().anyMatch(t -> t.getTopologyKey().equals("topology.kubernetes.io/zone")
                    && selects(t.getLabelSelector().getMatchLabels(), podLabels(sts))), n + ": spread across zones");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void everyContainerRunsTheSameImage(String overlay) {
        Manifests m = Manifests.render(overlay);
        Set<String> images = new HashSet<>();
        m.statefulSets().forEach(s -> s.getSpec().getTemplate().getSpec().getContainers().forEach(c -> images.add(c.getImage())));
        assertEquals(1, images.size(), images.toString());
        if (!images.iterator().next().startsWith("ringcache:")) {
            fail("unexpected image " + images);
        }
    }
}
