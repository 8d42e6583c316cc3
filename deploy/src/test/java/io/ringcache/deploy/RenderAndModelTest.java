package io.ringcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kubectl kustomize} renders both overlays, and every object is a well-formed fabric8 kubernetes-model object. */
class RenderAndModelTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void overlayRendersTheExpectedObjects(String overlay) {
        Manifests m = Manifests.render(overlay);
        Set<String> names = new TreeSet<>();
        for (HasMetadata o : m.objects) {
            // ConfigMaps carry kustomize's content hash: compare their names without it.
            String name = o.getMetadata().getName();
            names.add(o.getKind() + " " + (o.getKind().equals("ConfigMap") ? name.replaceFirst("-[a-z0-9]{10}$", "") : name));
        }
        assertEquals(new TreeSet<>(List.of("ConfigMap ringcache-pd", "ConfigMap ringcache-store",
                "Service ringcache-pd", "Service ringcache-pd-client", "Service ringcache-redis", "Service ringcache-store",
                "StatefulSet ringcache-pd", "StatefulSet ringcache-store",
                "PodDisruptionBudget ringcache-pd", "PodDisruptionBudget ringcache-store")), names);
        int expected = overlay.equals("dev") ? 1 : 3;
        assertEquals(expected, m.named(StatefulSet.class, "ringcache-pd").getSpec().getReplicas(), "PD members");
        assertEquals(expected, m.named(StatefulSet.class, "ringcache-store").getSpec().getReplicas(), "stores");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void everyObjectDeserializesWithNoUnknownField(String overlay) {
        Manifests m = Manifests.render(overlay);
        assertEquals(m.trees.size(), m.objects.size());
        for (HasMetadata o : m.objects) {
            assertEquals(List.of(), Manifests.unknownFields(o),
                    overlay + ": " + o.getKind() + " " + o.getMetadata().getName() + " has fields kubernetes-model does not know");
        }
    }

    @Test
    void aMisspelledFieldIsCaught() {
        // The check above is only worth something if it sees a typo deep in a pod template.
        Manifests m = Manifests.render("prod");
        JsonNode sts = m.trees.stream().filter(t -> t.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        ObjectNode bad = Manifests.copy(sts);
        ((ObjectNode) bad.path("spec").path("template").path("spec").path("containers").get(0).path("readinessProbe"))
                .put("periodSecond", 5);
        List<String> unknown = Manifests.unknownFields(Manifests.toModel(bad));
        assertEquals(1, unknown.size(), unknown.toString());
        assertTrue(unknown.get(0).endsWith("readinessProbe.periodSecond"), unknown.toString());
    }
}
