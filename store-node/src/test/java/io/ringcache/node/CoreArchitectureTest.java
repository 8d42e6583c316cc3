package io.ringcache.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ringcache.architecture.HexagonalRules;
import org.junit.jupiter.api.Test;

/** store-node: the shared rules, and the wall between a store and the placement driver it embeds. */
class CoreArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ringcache.node");

    @Test
    void theSharedRules() {
        // CommitQueue, CurrentMap and RouteChanges: shared by request threads, each behind its own
        // monitor (see their Javadoc).
        HexagonalRules.forModule("io.ringcache.node").uses("io.ringcache.shard", "io.ringcache.placement")
                .usesAdaptersOf("io.ringcache.shard").monitorsIn("CommitQueue", "CurrentMap", "RouteChanges").check();
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
}
