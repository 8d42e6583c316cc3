package io.ringcache.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The one rule set every module's architecture test applies, the same way (shipped in proto's
 * test jar). A module is a root package ({@code io.ringcache.node}) with a pure {@code core} and
 * {@code adapter.<tech>} / {@code app} packages around it.
 *
 * <ol>
 *   <li><b>The core uses no technology</b>: no Ratis, gRPC, protobuf (generated or not), Netty,
 *       Jackson, Chronicle, Micrometer or logging; none of its own module's adapters or app; no
 *       module's adapters or app. (Agrona's buffers are allowed: they are data, not I/O.)</li>
 *   <li><b>The core reads no clock and starts no thread</b>: no {@code System.currentTimeMillis},
 *       {@code nanoTime}, {@code Clock}, {@code Instant.now}, {@code Thread}, {@code Executor} or
 *       {@code java.util.concurrent.locks}. {@code CompletableFuture} is allowed: a value, not a
 *       thread.</li>
 *   <li><b>Monitors in the core are named</b>: a synchronized method only in the classes a module
 *       lists, each of which says in its Javadoc why it is thread-safe.</li>
 *   <li><b>Module walls</b>: a module uses only the modules it names (proto is under all of them),
 *       and another module's adapters only where it names them.</li>
 * </ol>
 */
public final class HexagonalRules {

    /** Every module's root package. */
    static final List<String> MODULES = List.of("io.ringcache.shard", "io.ringcache.placement", "io.ringcache.client",
            "io.ringcache.node");

    private static final String[] TECHNOLOGY = {"org.apache.ratis..", "io.grpc..", "com.google.protobuf..",
            "io.ringcache.proto..", "io.netty..", "com.fasterxml.jackson..", "net.openhft..", "io.micrometer..",
            "org.slf4j..", "ch.qos.logback..", "picocli.."};

    private final String root;
    private Set<String> uses = Set.of();
    private Set<String> adaptersItUses = Set.of();
    private Set<String> monitors = Set.of();

    private HexagonalRules(String root) {
        this.root = root;
    }

    public static HexagonalRules forModule(String root) {
        return new HexagonalRules(root);
    }

    /** The other modules (root packages) this one may depend on. */
    public HexagonalRules uses(String... modules) {
        this.uses = Set.of(modules);
        return this;
    }

    /** The other modules whose {@code adapter} packages this module's adapters and app may use. */
    public HexagonalRules usesAdaptersOf(String... modules) {
        this.adaptersItUses = Set.of(modules);
        return this;
    }

    /** The simple names of core classes allowed synchronized methods (their Javadoc says why). */
    public HexagonalRules monitorsIn(String... simpleNames) {
        this.monitors = Set.of(simpleNames);
        return this;
    }

    /** Checks every rule against the module's production classes. */
    public void check() {
        check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(root));
    }

    /** Checks every rule against {@code classes}; throws AssertionError naming each violation. */
    public void check(JavaClasses classes) {
        String core = root + ".core..";
        List<String> forbidden = new ArrayList<>(List.of(TECHNOLOGY));
        forbidden.add("io.ringcache..adapter..");
        forbidden.add("io.ringcache..app..");
        noClasses().that().resideInAPackage(core)
                .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                .because("the core is pure: domain types, deterministic logic and small ports")
                .allowEmptyShould(true).check(classes);
        noClasses().that().resideInAPackage(core)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(Executor.class)
                .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent.locks..")
                .because("time and threads come through ports, so tests drive the core with any time they like")
                .allowEmptyShould(true).check(classes);
        methods().that().areDeclaredInClassesThat().resideInAPackage(core)
                .and().areDeclaredInClassesThat(new com.tngtech.archunit.base.DescribedPredicate<>("not named as monitors") {
                    @Override
                    public boolean test(com.tngtech.archunit.core.domain.JavaClass c) {
                        return !monitors.contains(c.getSimpleName()) && !monitors.contains(outermost(c));
                    }
                })
                .should().notHaveModifier(JavaModifier.SYNCHRONIZED)
                .because("a monitor in the core is allowed only where the module names it and its Javadoc says why")
                .allowEmptyShould(true)
                .check(classes);
        for (String other : MODULES) {
            if (other.equals(root) || uses.contains(other)) {
                continue;
            }
            noClasses().that().resideInAPackage(root + "..")
                    .should().dependOnClassesThat().resideInAPackage(other + "..")
                    .because(root + " does not stand on " + other)
                    .allowEmptyShould(true).check(classes);
        }
        for (String other : uses) {
            if (adaptersItUses.contains(other)) {
                continue;
            }
            noClasses().that().resideInAPackage(root + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(other + ".adapter..")
                    .because("another module's adapters are its own business")
                    .allowEmptyShould(true).check(classes);
        }
    }

    private static String outermost(com.tngtech.archunit.core.domain.JavaClass c) {
        String name = c.getName().substring(c.getPackageName().length() + 1);
        int dollar = name.indexOf('$');
        return dollar < 0 ? name : name.substring(0, dollar);
    }
}
