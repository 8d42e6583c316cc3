package io.ringcache.placement;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ringcache.architecture.HexagonalRules;
import org.junit.jupiter.api.Test;

/** placement-driver: the shared rules, and a published {@code api} that stands on the core and the wire only. */
class CoreArchitectureTest {

    @Test
    void theSharedRules() {
        // PlacementDriver: every decision behind its one monitor (its Javadoc says so).
        HexagonalRules.forModule("io.ringcache.placement").monitorsIn("PlacementDriver").check();
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
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.ringcache.placement"));
    }
}
