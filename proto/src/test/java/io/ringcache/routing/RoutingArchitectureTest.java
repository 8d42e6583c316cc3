package io.ringcache.routing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The routing contract is plain Java that clients in any setting can embed: it depends on the JDK only. */
class RoutingArchitectureTest {

    @Test
    void routingDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("io.ringcache.routing..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.ringcache.routing..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.ringcache.routing"));
    }
}
