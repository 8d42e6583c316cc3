package io.ringcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rendered objects validate against the Kubernetes schemas (npm kubernetes-models + @kubernetes-models/validate). */
class SchemaValidationTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "secure"})
    void overlayValidatesAgainstTheKubernetesSchemas(String overlay) throws IOException {
        Manifests m = Manifests.render(overlay);
        Path file = Files.writeString(tmp.resolve(overlay + ".yaml"), m.yaml);
        Tools.Result r = Tools.validateSchemas(List.of(file));
        assertEquals(0, r.exit(), "schema validation of " + overlay + " failed:\n" + r.out() + r.err());
        assertTrue(r.out().contains(m.trees.size() + " object(s) checked, 0 failed"), r.out());
    }

    @Test
    void aMissingRequiredFieldAndAWrongTypeAreCaught() throws IOException {
        Manifests m = Manifests.render("prod");
        JsonNode sts = m.trees.stream().filter(t -> t.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        ObjectNode bad = Manifests.copy(sts);
        ((ObjectNode) bad.path("spec")).remove("selector");
        ((ObjectNode) bad.path("spec")).put("replicas", "three");
        Path file = Files.writeString(tmp.resolve("bad.yaml"), new YAMLMapper().writeValueAsString(bad));
        Tools.Result r = Tools.validateSchemas(List.of(file));
        assertNotEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("must have required property selector"), r.out());
        assertTrue(r.out().contains("replicas must be integer"), r.out());
    }
}
