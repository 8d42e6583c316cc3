package io.ringcache.client;

import io.ringcache.architecture.HexagonalRules;
import org.junit.jupiter.api.Test;

/** smart-client: the shared rules; it uses no server module at all. */
class ClientArchitectureTest {

    @Test
    void theSharedRulesAndNoServerModule() {
        // NearCache: read by callers' threads, invalidated by the watch stream's.
        HexagonalRules.forModule("io.ringcache.client").monitorsIn("NearCache").check();
    }
}
