package io.ringcache.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The SDK's core is pure, and the SDK never reaches into a server module. */
class ClientArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.ringcache.client");

    @Test
    void coreDependsOnNoTechnology() {
        noClasses().that().resideInAPackage("io.ringcache.client.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "com.google.protobuf..",
                        "io.ringcache.proto..", "io.ringcache.client.adapter..", "io.micrometer..")
                .check(CLASSES);
    }

    @Test
    void coreReadsNoClockAndStartsNoThread() {
        noClasses().that().resideInAPackage("io.ringcache.client.core..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.util.concurrent.Executor.class)
                .check(CLASSES);
    }

    @Test
    void theClientUsesNoServerModule() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.ringcache.node..", "io.ringcache.placement..",
                "io.ringcache.shard..").check(CLASSES);
    }
}
