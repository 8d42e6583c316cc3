package io.ringcache.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A rendered overlay: its objects as JSON trees and as fabric8 kubernetes-model objects. */
final class Manifests {

    /** The kinds the manifests use, each with the fabric8 type it must deserialize into. */
    static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    final String overlay;
    final String yaml;
    final List<JsonNode> trees;
    final List<HasMetadata> objects;

    private Manifests(String overlay, String yaml, List<JsonNode> trees, List<HasMetadata> objects) {
        this.overlay = overlay;
        this.yaml = yaml;
        this.trees = trees;
        this.objects = objects;
    }

    /** Renders k8s/overlays/NAME with kubectl and deserializes every object. */
    static Manifests render(String overlay) {
        String yaml = Tools.kustomize(overlay);
        List<JsonNode> trees = parseYaml(yaml);
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode t : trees) {
            objects.add(toModel(t));
        }
        return new Manifests(overlay, yaml, trees, objects);
    }

    static List<JsonNode> parseYaml(String yaml) {
        List<JsonNode> out = new ArrayList<>();
        try (var it = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            fail("rendered YAML does not parse: " + e);
        }
        return out;
    }

    /** The fabric8 object for one rendered tree; fails on a kind the manifests are not expected to hold. */
    static HasMetadata toModel(JsonNode tree) {
        String key = tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
        Class<? extends HasMetadata> type = TYPES.get(key);
        if (type == null) {
            return fail("unexpected object " + key + " " + tree.path("metadata").path("name").asText()
                    + " (known: " + TYPES.keySet() + ")");
        }
        try {
            return JSON.treeToValue(tree, type);
        } catch (IOException e) {
            return fail(key + " " + tree.path("metadata").path("name").asText() + " does not deserialize: " + e);
        }
    }

    /**
     * Every field the fabric8 model did not recognise, as JSON-ish paths. Unknown fields do not fail Jackson
     * (the model keeps them in {@code getAdditionalProperties()}), so the object graph is walked.
     */
    static List<String> unknownFields(Object root) {
        List<String> out = new ArrayList<>();
        walk(root, "", out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void walk(Object o, String path, List<String> out, Set<Object> seen) {
        if (o == null || !seen.add(o)) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey(), out, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    for (Object k : extra.keySet()) {
                        out.add(path + "." + k);
                    }
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            walk(v, path + "." + field, out, seen);
        }
    }

    List<StatefulSet> statefulSets() {
        return of(StatefulSet.class);
    }

    List<Service> services() {
        return of(Service.class);
    }

    List<PodDisruptionBudget> pdbs() {
        return of(PodDisruptionBudget.class);
    }

    List<ConfigMap> configMaps() {
        return of(ConfigMap.class);
    }

    <T> List<T> of(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        return of(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseGet(() -> fail(overlay + ": no " + type.getSimpleName() + " named " + name));
    }

    /** A copy of a rendered tree, for tests that break it on purpose. */
    static ObjectNode copy(JsonNode tree) {
        return tree.deepCopy();
    }
}
