package io.ringcache.chaos;

import io.ringcache.architecture.HexagonalRules;
import org.junit.jupiter.api.Test;

/** chaos: the shared rules (checker, schedules and history format are pure core; it calls the cluster as a client). */
class ChaosArchitectureTest {

    @Test
    void theSharedRules() {
        HexagonalRules.forModule("io.ringcache.chaos").uses("io.ringcache.client").check();
    }
}
