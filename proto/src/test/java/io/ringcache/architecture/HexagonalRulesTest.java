package io.ringcache.architecture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.ringcache.fixture.adapter.Clean;
import io.ringcache.fixture.core.HoldsAMonitor;
import io.ringcache.fixture.core.ReadsTheClock;
import org.junit.jupiter.api.Test;

/** The shared rules catch what they name, on fixture classes that break them on purpose. */
class HexagonalRulesTest {

    @Test
    void aCoreThatReadsTheClockFails() {
        JavaClasses classes = new ClassFileImporter().importClasses(ReadsTheClock.class, Clean.class);
        AssertionError e = assertThrows(AssertionError.class,
                () -> HexagonalRules.forModule("io.ringcache.fixture").check(classes));
        assertTrue(e.getMessage().contains("currentTimeMillis"), e.getMessage());
        HexagonalRules.forModule("io.ringcache.fixture").check(new ClassFileImporter().importClasses(Clean.class));
    }

    @Test
    void aMonitorInTheCoreFailsUnlessTheModuleNamesIt() {
        JavaClasses classes = new ClassFileImporter().importClasses(HoldsAMonitor.class);
        assertThrows(AssertionError.class, () -> HexagonalRules.forModule("io.ringcache.fixture").check(classes));
        HexagonalRules.forModule("io.ringcache.fixture").monitorsIn("HoldsAMonitor").check(classes);
    }
}
