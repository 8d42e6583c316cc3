package io.ringcache.placement.adapter.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.Placement;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePartitionMapRepositoryTest {

    @TempDir
    Path dir;

    @Test
    void aSavedMapLoadsBackEqual() throws IOException {
        FilePartitionMapRepository repo = new FilePartitionMapRepository(dir.resolve("pd").resolve("map.pb"));
        assertTrue(repo.load().isEmpty());
        Placement p = Placement.bootstrap(repo, new StoreInfo("a", "a:1", "a:2", "a:3", Map.of("zone", "z1"), StoreState.UP), 5);
        p.register(new StoreInfo("b", "b:1", "b:2", "b:3", Map.of(), StoreState.UP));
        p.replicaAdded(3, "b");
        PartitionMap loaded = new FilePartitionMapRepository(dir.resolve("pd").resolve("map.pb")).load().orElseThrow();
        assertEquals(p.map(), loaded);
        assertTrue(Files.notExists(dir.resolve("pd").resolve("map.pb.tmp")), "no temporary file left");
    }

    @Test
    void aCorruptFileIsAnError() throws IOException {
        Path file = dir.resolve("map.pb");
        Files.write(file, new byte[] {8, -1, -1, -1});
        assertThrows(IOException.class, () -> new FilePartitionMapRepository(file).load());
    }
}
