package io.ringcache.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Core code is pure: no Ratis, gRPC, generated protobuf or adapters, no clock, no threads. */
class CoreArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ringcache.node");

    @Test
    void coreDependsOnNoTechnology() {
        noClasses().that().resideInAPackage("io.ringcache.node.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.ratis..", "io.grpc..",
                        "com.google.protobuf..", "io.ringcache.proto..", "io.ringcache.node.adapter..",
                        "io.ringcache.node.app..")
                .check(CLASSES);
    }

    /**
     * The module wall: a store uses the placement driver's core (the map's domain model), its
     * published {@code api} (the map's wire conversion, channels to stores) and, to embed one, its
     * {@code app.PlacementDriverServer}; never its adapters. The store's core uses its core only.
     */
    @Test
    void storesNeverReachIntoThePlacementDriversAdapters() {
        noClasses().that().resideInAPackage("io.ringcache.node..")
                .should().dependOnClassesThat().resideInAPackage("io.ringcache.placement.adapter..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.ringcache.node.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ringcache.placement.api..",
                        "io.ringcache.placement.app..")
                .check(CLASSES);
    }

    @Test
    void coreReadsNoClockAndStartsNoThread() {
        noClasses().that().resideInAPackage("io.ringcache.node.core..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.util.concurrent.Executor.class)
                .check(CLASSES);
    }
}
