package io.ringcache.placement;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Core code is pure: no Ratis, gRPC, generated protobuf or adapters, no clock, no threads. */
class CoreArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ringcache.placement");

    @Test
    void coreDependsOnNoTechnology() {
        noClasses().that().resideInAPackage("io.ringcache.placement.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.ratis..", "io.grpc..",
                        "com.google.protobuf..", "io.ringcache.proto..", "io.ringcache.placement.adapter..",
                        "io.ringcache.placement.app..")
                .check(CLASSES);
    }

    /**
     * {@code api} is what other modules (store nodes, tools, benchmarks) may use besides the core
     * and the embedded server: it stands on the core and the wire contract, never on adapters.
     */
    @Test
    void theApiStandsOnTheCoreAndTheWireOnly() {
        noClasses().that().resideInAPackage("io.ringcache.placement.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ringcache.placement.adapter..",
                        "io.ringcache.placement.app..", "org.apache.ratis..")
                .check(CLASSES);
    }

    @Test
    void coreReadsNoClockAndStartsNoThread() {
        noClasses().that().resideInAPackage("io.ringcache.placement.core..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.util.concurrent.Executor.class)
                .check(CLASSES);
    }
}
