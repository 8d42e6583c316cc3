package io.ringcache.shard.adapter.ratis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves aside, before Ratis starts, every replica whose term-and-vote file cannot be read, so that
 * one damaged replica does not keep the whole store down, and the damaged one never runs again.
 *
 * <p>Why it happens: Ratis 3.3.0 writes {@code <group>/current/raft-meta} (the term and the vote,
 * which Raft must never forget) through {@code AtomicFileOutputStream} inside try-with-resources.
 * When the write fails (a full disk: ENOSPC), closing the stream still renames the partial
 * temporary file over the good one, so the file is left empty. Reproduced on a full tmpfs with
 * Ratis' own class: before, {@code term=5}; after a failed write of term 6, an empty file. On the
 * next start Ratis fails the whole server ("'term' not found in properties: {}"), every group with
 * it: the store crash-loops until someone deletes files by hand.
 *
 * <p>Why moving aside is the safe answer: the lost file held the last term this replica saw and
 * whom it voted for in it. Guessing them (term 0, or the last term in the log) could let the
 * replica vote twice in one term, so two leaders could be elected. A replica that does not run
 * cannot vote. The group keeps its other replicas, which hold every committed entry (a majority
 * acknowledged each), and the placement driver replaces the missing replica as it replaces one
 * on a dead store: the store reports it lost in its heartbeats ({@code lost_shards}) and the
 * placement driver's repair moves it. The folder is kept in {@code <storage>-quarantine/} beside
 * the storage folder, for reading; nothing deletes it.
 *
 * <p>A file that cannot be read at all (the disk answers EIO) is another matter: the replica is
 * not damaged, its disk is failing, perhaps for a while. Setting it aside would throw away a good
 * replica, and letting Ratis start would be worse: with the torn-tail policy
 * ({@code raft.server.log.corruption.policy=WARN_AND_RETURN}, README) Ratis 3.3.0 takes any
 * IOException while it reads a log segment for corruption, keeps the entries read before it and
 * truncates the file there (found by the fault suite's IO-error nemesis), so a replica would drop
 * fsynced, acknowledged entries and could then vote for a candidate that lacks them. So before
 * Ratis starts, every file of every replica is read through once, and the first read that fails
 * fails the start: the store exits and its supervisor tries again, until the disk reads again
 * (a read that fails only later, between this check and Ratis' own, is not covered).
 */
final class UnreadableReplicas {

    private static final Logger LOG = LoggerFactory.getLogger(UnreadableReplicas.class);

    private UnreadableReplicas() {
    }

    /** Opens a file for reading (a port, so a test can fail a chosen read). */
    @FunctionalInterface
    interface Reader {
        InputStream open(Path file) throws IOException;
    }

    /**
     * Moves each group folder under {@code storageDir} whose raft-meta is damaged to
     * {@code quarantineDir}; returns the shard ids moved.
     *
     * @throws IOException when a file of a replica cannot be read (the disk fails): nothing is moved
     */
    static List<Integer> moveAside(Path storageDir, Path quarantineDir, long nowMillis) throws IOException {
        return moveAside(storageDir, quarantineDir, nowMillis, Files::newInputStream);
    }

    static List<Integer> moveAside(Path storageDir, Path quarantineDir, long nowMillis, Reader reader) throws IOException {
        readEveryFile(storageDir, reader);
        List<Integer> moved = new ArrayList<>();
        if (!Files.isDirectory(storageDir)) {
            return moved;
        }
        try (DirectoryStream<Path> groups = Files.newDirectoryStream(storageDir, Files::isDirectory)) {
            for (Path group : groups) {
                Path meta = group.resolve("current").resolve("raft-meta");
                String problem = Files.exists(meta) ? unreadable(meta, reader) : null;
                if (problem == null) {
                    continue;
                }
                Integer shard = shardOf(group.getFileName().toString());
                Files.createDirectories(quarantineDir);
                Path target = quarantineDir.resolve(group.getFileName() + "-" + nowMillis);
                Files.move(group, target);
                LOG.error("{}: {}; this replica{} will not run again (it may have lost its vote); moved to {} and left for the "
                        + "placement driver to replace", meta, problem, shard == null ? "" : " of shard " + shard, target);
                if (shard != null) {
                    moved.add(shard);
                }
            }
        }
        return moved;
    }

    /** The shards of the replicas moved to {@code quarantineDir}, now or by an earlier start. */
    static java.util.SortedSet<Integer> quarantined(Path quarantineDir) throws IOException {
        java.util.SortedSet<Integer> shards = new java.util.TreeSet<>();
        if (!Files.isDirectory(quarantineDir)) {
            return shards;
        }
        try (DirectoryStream<Path> moved = Files.newDirectoryStream(quarantineDir, Files::isDirectory)) {
            for (Path folder : moved) {
                String name = folder.getFileName().toString();
                Integer shard = name.length() >= 36 ? shardOf(name.substring(0, 36)) : null;
                if (shard != null) {
                    shards.add(shard);
                }
            }
        }
        return shards;
    }

    /**
     * Reads every regular file under {@code storageDir} through once.
     *
     * @throws IOException naming the first file that cannot be read
     */
    private static void readEveryFile(Path storageDir, Reader reader) throws IOException {
        if (!Files.isDirectory(storageDir)) {
            return;
        }
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(storageDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        byte[] chunk = new byte[1 << 16];
        for (Path f : files) {
            try (InputStream in = reader.open(f)) {
                while (in.read(chunk) >= 0) {
                    // only whether every byte can be read
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed meanwhile: nothing to read
            } catch (IOException e) {
                throw new IOException(f + " cannot be read (" + e.getMessage() + "): the disk may be failing; the store does not "
                        + "start until it reads again (its replicas are kept)", e);
            }
        }
    }

    /** Why the file cannot be read, or null when it holds a term and a vote. */
    static String unreadable(Path meta) throws IOException {
        return unreadable(meta, Files::newInputStream);
    }

    private static String unreadable(Path meta, Reader reader) throws IOException {
        Properties p = new Properties();
        try (InputStream in = reader.open(meta)) {
            p.load(in);
        } catch (IllegalArgumentException e) {
            return "cannot be read: " + e.getMessage();
        }
        String term = p.getProperty("term");
        if (term == null || p.getProperty("votedFor") == null) {
            return "holds no term and vote (" + p.size() + " properties: a write that failed left it so)";
        }
        try {
            Long.parseLong(term.trim());
            return null;
        } catch (NumberFormatException e) {
            return "holds a term that is not a number: " + term;
        }
    }

    private static Integer shardOf(String folderName) {
        try {
            return ShardGroups.shardId(RaftGroupId.valueOf(UUID.fromString(folderName)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
