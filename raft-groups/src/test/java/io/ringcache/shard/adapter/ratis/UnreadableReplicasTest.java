package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnreadableReplicasTest {

    @TempDir
    Path temp;

    @Test
    void onlyTheGroupsWhoseTermAndVoteCannotBeReadAreMovedAside() throws IOException {
        Path storage = temp.resolve("groups");
        Path quarantine = temp.resolve("groups-quarantine");
        group(storage, 0, "#\nvotedFor=s2\nterm=7\n");
        group(storage, 1, "");                    // emptied by a failed write on a full disk
        group(storage, 2, "#\n#Sat Dec 05\n");     // only the header made it
        group(storage, 3, "votedFor=\nterm=x\n");
        Files.createDirectories(storage.resolve(ShardGroups.groupId(4).getUuid().toString()).resolve("current")); // no raft-meta yet

        List<Integer> moved = UnreadableReplicas.moveAside(storage, quarantine, 1234);

        assertEquals(Set.of(1, 2, 3), Set.copyOf(moved));
        assertTrue(Files.exists(folder(storage, 0)));
        assertTrue(Files.exists(folder(storage, 4)));
        assertFalse(Files.exists(folder(storage, 1)));
        assertTrue(Files.exists(quarantine.resolve(ShardGroups.groupId(1).getUuid() + "-1234").resolve("current").resolve("raft-meta")));
        assertEquals(Set.of(1, 2, 3), UnreadableReplicas.quarantined(quarantine));
    }

    @Test
    void aGoodFileIsReadableAndABrokenOneSaysWhy() throws IOException {
        Path good = Files.writeString(temp.resolve("good"), "votedFor=\nterm=0\n");
        Path empty = Files.writeString(temp.resolve("empty"), "");
        assertNull(UnreadableReplicas.unreadable(good));
        assertNotNull(UnreadableReplicas.unreadable(empty));
    }

    private static Path folder(Path storage, int shard) {
        return storage.resolve(ShardGroups.groupId(shard).getUuid().toString());
    }

    private static void group(Path storage, int shard, String meta) throws IOException {
        Path current = Files.createDirectories(folder(storage, shard).resolve("current"));
        Files.writeString(current.resolve("raft-meta"), meta, StandardCharsets.UTF_8);
    }
}
