package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.ratis.ShardGroupHost.Replica;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardSnapshot;
import io.ringcache.shard.core.SplitHandOff;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The starting states of split children on this store: the parent's replica writes one here at
 * the split's entry ({@link SplitHandOff}), the child's replica loads it as its first snapshot,
 * and it is deleted once the child has applied past it. Owned by {@link ShardGroupHost}, which
 * starts the child groups the seeds name ({@link #pending}).
 *
 * <pre>
 *   &lt;storage&gt;-splits/shard-&lt;child&gt;.seed
 *     magic "RCSEED01" | splitIndex:int64 | membersLength:int32 | members ({@link ChildMembers})
 *     | the child's snapshot ({@link ShardSnapshot#writeChild}) to the end of the file
 * </pre>
 * A seed is written to a temporary name, forced to disk and renamed, so a seed that exists is
 * whole. The child's snapshot is named for term 1 and the split's index: the child's log starts
 * after that index, so a replica added to the child later gets this state as a snapshot (the
 * log holds nothing before it), and the child's versions continue above the parent's.
 */
final class SplitSeeds implements SplitHandOff {

    private static final Logger LOG = LoggerFactory.getLogger(SplitSeeds.class);
    private static final byte[] MAGIC = {'R', 'C', 'S', 'E', 'E', 'D', '0', '1'};

    /** A child's starting state on disk. */
    record Seed(int childShard, long splitIndex, List<Replica> members, Path file, long snapshotOffset) {
    }

    private final String peerId;
    private final Path dir;
    private final BiConsumer<Integer, Throwable> failed;
    private final Runnable seeded;

    /**
     * @param failed told when a seed cannot be written; the store stops (see {@link SplitHandOff})
     * @param seeded told after a seed was written, so the host starts the child soon
     */
    SplitSeeds(String peerId, Path dir, BiConsumer<Integer, Throwable> failed, Runnable seeded) {
        this.peerId = peerId;
        this.dir = dir;
        this.failed = failed;
        this.seeded = seeded;
    }

    /** {@code <storage>-splits} beside the storage folder: Ratis takes every folder inside storage for a group. */
    static Path dirFor(Path storageDir) {
        Path storage = storageDir.toAbsolutePath();
        return storage.resolveSibling(storage.getFileName() + "-splits");
    }

    @Override
    public void handOff(Command.Split split, long index, ShardEngine parent) {
        List<Replica> members;
        try {
            members = ChildMembers.decode(split.childMembers());
        } catch (IllegalArgumentException e) {
            // Every replica decodes the same bytes alike: none of them starts the child.
            LOG.error("shard {}: split into shard {} at {} names no usable members: {}", parent.shardId(),
                    split.childShard(), index, e.getMessage());
            return;
        }
        if (members.stream().noneMatch(m -> m.peerId().equals(peerId))) {
            return;
        }
        Path file = file(split.childShard());
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            byte[] encoded = ChildMembers.encode(members);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 12 + encoded.length).order(ByteOrder.LITTLE_ENDIAN);
                header.put(MAGIC).putLong(index).putInt(encoded.length).put(encoded).flip();
                while (header.hasRemaining()) {
                    out.write(header);
                }
                ShardSnapshot.writeChild(parent, split, out);
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException | RuntimeException e) {
            failed.accept(parent.shardId(), new IOException("cannot write the starting state of shard "
                    + split.childShard() + " split from shard " + parent.shardId() + " at " + index + ": " + e, e));
            return;
        }
        LOG.info("shard {} split at {}: shard {} starts here from {}", parent.shardId(), index, split.childShard(), file);
        seeded.run();
    }

    /** The seed of {@code childShard}, if this store has one. */
    Optional<Seed> seed(int childShard) {
        Path file = file(childShard);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(in, head);
            for (byte b : MAGIC) {
                if (head.get() != b) {
                    throw new IOException("not a split seed");
                }
            }
            long index = head.getLong();
            int length = head.getInt();
            if (length < 0 || length > 1 << 20) {
                throw new IOException("members of " + length + " bytes");
            }
            ByteBuffer members = ByteBuffer.allocate(length);
            readFully(in, members);
            return Optional.of(new Seed(childShard, index, ChildMembers.decode(members.array()), file,
                    MAGIC.length + 12L + length));
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("unreadable split seed {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** Every seed on this store. */
    List<Seed> pending() {
        List<Seed> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("shard-") && name.endsWith(".seed")) {
                    try {
                        seed(Integer.parseInt(name.substring(6, name.length() - 5))).ifPresent(out::add);
                    } catch (NumberFormatException e) {
                        LOG.warn("ignoring {}", f);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.toString());
        }
        return out;
    }

    /**
     * Children of splits this store's replica of a parent learned of from an installed snapshot,
     * not from the split's entry: no seed was written here, so the child is started empty and its
     * leader sends it a snapshot (the child's log holds nothing before the split). Safe for Raft:
     * this store never hosted the child, so it never voted in it. Kept in memory only: a restart
     * before the host's ticker started the child leaves it to placement (raft-groups README).
     */
    private final java.util.Map<Integer, List<Replica>> orphans = new java.util.concurrent.ConcurrentHashMap<>();

    /** A parent replica installed a snapshot holding these splits. */
    void learnedFromSnapshot(int parent, List<io.ringcache.shard.core.SplitRecord> splits) {
        orphans.putAll(unseededChildrenNamingThisStore(parent, splits));
        if (!orphans.isEmpty()) {
            seeded.run();
        }
    }

    /**
     * Children that this store's replica of a parent, at its start, found named with this store
     * among their members, with no seed here: either it learned of the split from an installed
     * snapshot and the store stopped before the ticker started the child (the orphan was kept in
     * memory only), or it hosted the child once and placement moved it away. The two cannot be
     * told apart here, and starting an empty replica is safe only in the first case (in the second
     * this store may have voted in the child), so neither is started: the host reports each one
     * it does not host as lost ({@link ShardGroupHost#lostShards}), and placement replaces it if its
     * map still places a voter here, and ignores the report otherwise.
     */
    private final java.util.Set<Integer> unstartedAtStart = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A parent replica loaded, at its start, a snapshot holding these splits. */
    void loadedAtStart(int parent, List<io.ringcache.shard.core.SplitRecord> splits) {
        unstartedAtStart.addAll(unseededChildrenNamingThisStore(parent, splits).keySet());
    }

    /** The children of {@code splits} whose members include this store and that have no seed here, with their members. */
    private java.util.Map<Integer, List<Replica>> unseededChildrenNamingThisStore(
            int parent, List<io.ringcache.shard.core.SplitRecord> splits) {
        java.util.Map<Integer, List<Replica>> out = new java.util.HashMap<>();
        for (io.ringcache.shard.core.SplitRecord r : splits) {
            try {
                List<Replica> members = ChildMembers.decode(r.childMembers());
                if (members.stream().anyMatch(m -> m.peerId().equals(peerId)) && seed(r.childShard()).isEmpty()) {
                    out.put(r.childShard(), members);
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("shard {}: the split into shard {} names no usable members: {}", parent, r.childShard(), e.getMessage());
            }
        }
        return out;
    }

    /** See {@link #loadedAtStart}: children to report lost unless hosted. */
    java.util.Set<Integer> unstartedAtStart() {
        return unstartedAtStart;
    }

    /** The children to start empty (see {@link #learnedFromSnapshot}); the caller removes those it started. */
    java.util.Map<Integer, List<Replica>> orphans() {
        return orphans;
    }

    /** Copies the seed's snapshot part to {@code target} and forces it to disk. */
    static void copySnapshot(Seed seed, Path target) throws IOException {
        try (FileChannel in = FileChannel.open(seed.file(), StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size() - seed.snapshotOffset();
            long done = 0;
            while (done < size) {
                done += in.transferTo(seed.snapshotOffset() + done, size - done, out);
            }
            out.force(true);
        }
    }

    /** Deletes the seed once the child no longer needs it. */
    void done(Seed seed) {
        try {
            Files.deleteIfExists(seed.file());
            LOG.info("shard {} applied past its split's starting state; removed {}", seed.childShard(), seed.file());
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", seed.file(), e.toString());
        }
    }

    private Path file(int childShard) {
        return dir.resolve("shard-" + childShard + ".seed");
    }

    private static void readFully(FileChannel in, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (in.read(into) < 0) {
                throw new IOException("seed truncated");
            }
        }
        into.flip();
    }
}
