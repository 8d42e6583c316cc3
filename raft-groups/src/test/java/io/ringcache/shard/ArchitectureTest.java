package io.ringcache.shard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ringcache.architecture.HexagonalRules;
import org.junit.jupiter.api.Test;

/** raft-groups: the shared rules, and adapters that do not reach into each other. */
class ArchitectureTest {

    @Test
    void theSharedRules() {
        // ExpiryIndex and ExpiryLag: written by the apply thread, read by metrics and the expiry ticker.
        // LeaderReadLease: renewed by barrier completions, suspended by transfers, read lock-free by reads.
        // EvictionPlanner: its sampling cursor is shared by the host's ticker and the write path.
        // HotKeys: counted by every reading thread (one read in eight), read by metrics and /v1/hotkeys.
        HexagonalRules.forModule("io.ringcache.shard")
                .monitorsIn("ExpiryIndex", "ExpiryLag", "LeaderReadLease", "EvictionPlanner", "HotKeys").check();
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage("io.ringcache.shard.adapter.ratis..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ringcache.shard.adapter.chronicle..",
                        "io.ringcache.shard.adapter.heap..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.ringcache.shard"));
    }
}
