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

    @Test
    void aFileTheDiskCannotReadFailsTheStartAndSetsNothingAside() throws IOException {
        // EIO is not damage: the replica is kept, and Ratis never reads (and truncates) a segment
        // it could not read.
        Path storage = temp.resolve("groups");
        Path quarantine = temp.resolve("groups-quarantine");
        group(storage, 0, "#\nvotedFor=s2\nterm=7\n");
        group(storage, 1, "");
        Path segment = Files.writeString(folder(storage, 0).resolve("current").resolve("log_inprogress_12"), "entries");
        UnreadableReplicas.Reader failing = f -> {
            if (f.equals(segment)) {
                throw new IOException("Input/output error");
            }
            return Files.newInputStream(f);
        };

        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> UnreadableReplicas.moveAside(storage, quarantine, 1234, failing));

        assertTrue(e.getMessage().contains("log_inprogress_12") && e.getMessage().contains("Input/output error"), e.getMessage());
        assertTrue(Files.exists(folder(storage, 0)) && Files.exists(folder(storage, 1)), "nothing moved");
        assertFalse(Files.exists(quarantine));
        // Once the disk reads again, only the damaged one goes.
        assertEquals(List.of(1), UnreadableReplicas.moveAside(storage, quarantine, 1234));
    }

    @Test
    void anUnreadableTermAndVoteFileFailsTheStartToo() throws IOException {
        Path storage = temp.resolve("groups");
        Files.createDirectories(folder(storage, 0).resolve("current").resolve("raft-meta")); // a read of it fails
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> UnreadableReplicas.moveAside(storage, temp.resolve("q"), 1));
        assertTrue(Files.exists(folder(storage, 0)));
    }

    private static Path folder(Path storage, int shard) {
        return storage.resolve(ShardGroups.groupId(shard).getUuid().toString());
    }

    private static void group(Path storage, int shard, String meta) throws IOException {
        Path current = Files.createDirectories(folder(storage, shard).resolve("current"));
        Files.writeString(current.resolve("raft-meta"), meta, StandardCharsets.UTF_8);
    }
}
