package io.ringcache.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Kubernetes would hand a StatefulSet's pod N: its environment and its args with {@code $(VAR)} expanded. */
final class Pods {

    static final String NAMESPACE = "ringcache-test";
    static final String NODE = "node-a";
    private static final Pattern REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private Pods() {
    }

    static Container container(StatefulSet sts, String name) {
        return sts.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals(name))
                .findFirst().orElseGet(() -> fail(sts.getMetadata().getName() + " has no container " + name));
    }

    /** The container's environment in pod ORDINAL: env (downward API resolved) and envFrom ConfigMaps. */
    static Map<String, String> environment(Manifests m, StatefulSet sts, Container c, int ordinal) {
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnvFrom() != null) {
            for (EnvFromSource from : c.getEnvFrom()) {
                if (from.getConfigMapRef() == null) {
                    fail(c.getName() + ": only configMapRef envFrom is expected");
                }
                ConfigMap cm = m.named(ConfigMap.class, from.getConfigMapRef().getName());
                env.putAll(cm.getData());
            }
        }
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), expand(e.getValue(), env));
            } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                String path = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(e.getName(), switch (path) {
                    case "metadata.name" -> sts.getMetadata().getName() + "-" + ordinal;
                    case "metadata.namespace" -> NAMESPACE;
                    case "spec.nodeName" -> NODE;
                    default -> fail(c.getName() + ": unexpected fieldRef " + path);
                });
            } else {
                fail(c.getName() + ": env " + e.getName() + " has neither a value nor a fieldRef");
            }
        }
        return env;
    }

    /** Kubernetes' $(VAR) expansion; an unresolved reference fails (Kubernetes would pass it on verbatim). */
    static String expand(String s, Map<String, String> env) {
        Matcher m = REF.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null) {
                fail("'" + s + "' refers to $(" + m.group(1) + "), which the container's env does not define");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static List<String> args(Container c, Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String a : c.getArgs() == null ? List.<String>of() : c.getArgs()) {
            out.add(expand(a, env));
        }
        return out;
    }

    /**
     * The flags the binary effectively gets: the args, plus one flag per RINGCACHE_* variable (each must be a
     * variable the binary reads, given once: not also as a flag).
     */
    static List<String> effectiveFlags(List<String> args, Map<String, String> env, Map<String, String> envOptions,
            String prefix, String what) {
        List<String> flags = new ArrayList<>(args);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith("RINGCACHE_")) {
                continue;
            }
            String option = envOptions.get(e.getKey());
            // RINGCACHE_TLS_*: one set of variables every process reads (TlsOptions).
            if (option == null || !e.getKey().startsWith(prefix) && !e.getKey().startsWith("RINGCACHE_TLS_")) {
                fail(what + " gets " + e.getKey() + ", a variable it does not read (it reads " + envOptions.keySet() + ")");
            }
            if (args.contains(option)) {
                fail(what + " gets " + option + " both as a flag and as " + e.getKey());
            }
            flags.add(option);
            flags.add(e.getValue());
        }
        return flags;
    }

    /** The container port a probe, Service or annotation names (by name or number); fails if there is none. */
    static ContainerPort port(Container c, IntOrString ref, String what) {
        for (ContainerPort p : c.getPorts()) {
            if (ref.getStrVal() != null ? ref.getStrVal().equals(p.getName()) : ref.getIntVal().equals(p.getContainerPort())) {
                return p;
            }
        }
        return fail(what + " names port " + (ref.getStrVal() != null ? ref.getStrVal() : ref.getIntVal())
                + ", which container " + c.getName() + " does not have");
    }

    static int portNumber(Container c, String name) {
        return port(c, new IntOrString(name), "the check").getContainerPort();
    }

    /** The port of a [HOST]:PORT address. */
    static int portOf(String addr) {
        return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    }
}
