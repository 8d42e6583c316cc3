package io.ringcache.chaos;

import io.ringcache.architecture.HexagonalRules;
import org.junit.jupiter.api.Test;

/** chaos: the shared rules (its checker is pure core). */
class ChaosArchitectureTest {

    @Test
    void theSharedRules() {
        HexagonalRules.forModule("io.ringcache.chaos").check();
    }
}
