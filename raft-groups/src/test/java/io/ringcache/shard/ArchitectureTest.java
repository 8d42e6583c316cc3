package io.ringcache.shard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The hexagon's walls: core code is pure domain logic. It never touches Ratis, gRPC, generated
 * protobuf classes or an adapter, never reads a clock and never starts a thread.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ringcache.shard");

    @Test
    void coreDependsOnNoTechnology() {
        noClasses().that().resideInAPackage("io.ringcache.shard.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.ratis..", "io.grpc..", "com.google.protobuf..", "io.ringcache.proto..",
                        "net.openhft..", "io.ringcache.shard.adapter..")
                .check(CLASSES);
    }

    @Test
    void coreReadsNoClockAndStartsNoThread() {
        noClasses().that().resideInAPackage("io.ringcache.shard.core..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent")
                .check(CLASSES);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage("io.ringcache.shard.adapter.ratis..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ringcache.shard.adapter.chronicle..",
                        "io.ringcache.shard.adapter.heap..")
                .check(CLASSES);
    }
}
