package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.ratis.ShardGroupHost.Replica;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardSnapshot;
import io.ringcache.shard.core.SplitCopy;
import io.ringcache.shard.core.SplitHandOff;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The starting states of split children on this store: the parent's replica writes one here at
 * the split's entry ({@link SplitHandOff}), the child's replica loads it as its first snapshot,
 * and it is deleted once the child has applied past it. Owned by {@link ShardGroupHost}, which
 * starts the child groups the seeds name ({@link #pending}).
 *
 * <pre>
 *   &lt;storage&gt;-splits/shard-&lt;child&gt;.seed.state
 *     the child's snapshot ({@link ShardSnapshot#writeChild}), exactly as its first snapshot file
 *   &lt;storage&gt;-splits/shard-&lt;child&gt;.seed
 *     magic "RCSEED02" | splitIndex:int64 | md5 of the state file:16 bytes
 *     | membersLength:int32 | members ({@link ChildMembers})
 * </pre>
 * Each is written to a temporary name, forced to disk and renamed, the state first, so a seed
 * that exists is whole. The child's replica takes the state file as its first snapshot by a hard
 * link (a copy only where the link fails), with the digest computed while it was written: the
 * state is written once, not written, copied and hashed again on the same disk. The child's
 * snapshot is named for term 1 and the split's index: the child's log starts after that index, so
 * a replica added to the child later gets this state as a snapshot (the log holds nothing before
 * it), and the child's versions continue above the parent's. (Seeds of the first layout, magic
 * "RCSEED01" with the state after the header in one file, are still read.)
 */
final class SplitSeeds implements SplitHandOff {

    private static final Logger LOG = LoggerFactory.getLogger(SplitSeeds.class);
    private static final byte[] MAGIC_V1 = {'R', 'C', 'S', 'E', 'E', 'D', '0', '1'};
    private static final byte[] MAGIC = {'R', 'C', 'S', 'E', 'E', 'D', '0', '2'};

    /**
     * A child's starting state on disk: the snapshot bytes are {@code state} from
     * {@code stateOffset} to its end; {@code md5} their digest, null when not recorded (first layout).
     */
    record Seed(int childShard, long splitIndex, List<Replica> members, Path file, Path state, long stateOffset,
                MD5Hash md5) {
    }

    private final String peerId;
    private final Path dir;
    private final BiConsumer<Integer, Throwable> failed;
    private final Runnable seeded;
    private final Applying committed;

    /** Told as a replica starts to apply a split, before its seed is written. */
    @FunctionalInterface
    interface Applying {
        void applying(int parentShard, int childShard);
    }

    /**
     * @param failed    told when a seed cannot be written; the store stops (see {@link SplitHandOff})
     * @param seeded    told after a seed was written, so the host starts the child soon
     * @param committed told of the parent and child as a replica starts to apply a split, before the
     *                  seed is written: the host's leader of the parent sends an empty entry at
     *                  once, which carries the split's commit to the followers (Ratis would tell
     *                  them with the next entry or heartbeat), so they write their seeds while the
     *                  leader writes its own rather than after; and it campaigns for the child
     *                  once the child is started ({@link ChildCampaigns})
     */
    SplitSeeds(String peerId, Path dir, BiConsumer<Integer, Throwable> failed, Runnable seeded,
               Applying committed) {
        this(peerId, dir, failed, seeded, committed, null);
    }

    /** @param stores makes a shard's store, so a split's copy fills the child's ahead (null: it fills none) */
    SplitSeeds(String peerId, Path dir, BiConsumer<Integer, Throwable> failed, Runnable seeded,
               Applying committed, java.util.function.IntFunction<io.ringcache.shard.core.ShardStore> stores) {
        this.peerId = peerId;
        this.dir = dir;
        this.failed = failed;
        this.seeded = seeded;
        this.committed = committed;
        this.copies = new SplitCopies(dir, stores);
    }

    private final SplitCopies copies;

    /** {@code <storage>-splits} beside the storage folder: Ratis takes every folder inside storage for a group. */
    static Path dirFor(Path storageDir) {
        Path storage = storageDir.toAbsolutePath();
        return storage.resolveSibling(storage.getFileName() + "-splits");
    }

    @Override
    public void prepare(Command.PrepareSplit prepare, long index, ShardEngine parent) {
        copies.start(prepare, index, parent);
    }

    /**
     * Writes the child's seed if this store is one of its members: finished from this replica's
     * background copy when it has a usable one ({@link SplitCopies#take}), else by visiting the
     * parent's store.
     *
     * @return the moving keys when the seed was finished from a copy (the engine then need not look for them)
     */
    @Override
    public List<byte[]> handOff(Command.Split split, long index, ShardEngine parent) {
        committed.applying(parent.shardId(), split.childShard());
        Optional<SplitCopies.Copy> copy = copies.take(parent.shardId(), split);
        try {
            return writeSeed(split, index, parent, copy);
        } finally {
            copy.ifPresent(copies::discard);
        }
    }

    private List<byte[]> writeSeed(Command.Split split, long index, ShardEngine parent, Optional<SplitCopies.Copy> copy) {
        List<Replica> members;
        try {
            members = ChildMembers.decode(split.childMembers());
        } catch (IllegalArgumentException e) {
            // Every replica decodes the same bytes alike: none of them starts the child.
            LOG.error("shard {}: split into shard {} at {} names no usable members: {}", parent.shardId(),
                    split.childShard(), index, e.getMessage());
            return null;
        }
        if (members.stream().noneMatch(m -> m.peerId().equals(peerId))) {
            return null;
        }
        Path file = file(split.childShard());
        Path state = stateFile(split.childShard());
        long started = System.nanoTime();
        List<byte[]> moving = null;
        try {
            Files.createDirectories(dir);
            Path stateTmp = dir.resolve(state.getFileName() + ".tmp");
            MessageDigest md5 = null;
            if (copy.isPresent()) {
                SplitCopies.Copied copied = copy.get().done().getNow(null);
                moving = finishCopied(split, parent, copy.get(), copied);
                if (moving != null) {
                    md5 = copied.md5();
                    stateTmp = copy.get().file();
                }
            }
            if (moving == null) {
                md5 = MD5FileUtil.newMD5();
                try (FileChannel out = FileChannel.open(stateTmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ShardSnapshot.writeChild(parent, split, SnapshotDigests.digesting(out, md5));
                    out.force(true);
                }
            }
            Files.move(stateTmp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDir(dir); // the state's name is durable before a header can name it
            byte[] digest = md5.digest();
            byte[] encoded = ChildMembers.encode(members);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 8 + MD5Hash.MD5_LENGTH + 4 + encoded.length)
                        .order(ByteOrder.LITTLE_ENDIAN);
                header.put(MAGIC).putLong(index).put(digest).putInt(encoded.length).put(encoded).flip();
                while (header.hasRemaining()) {
                    out.write(header);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDir(dir);
            if (moving != null) {
                copies.fill(copy.get(), index, MD5Hash.newInstance(digest));
            }
        } catch (IOException | RuntimeException e) {
            failed.accept(parent.shardId(), new IOException("cannot write the starting state of shard "
                    + split.childShard() + " split from shard " + parent.shardId() + " at " + index + ": " + e, e));
            return null;
        }
        LOG.info("shard {} split at {}: shard {} starts here from {} ({} bytes {} in {} ms)", parent.shardId(), index,
                split.childShard(), file, sizeOrMinusOne(state),
                moving == null ? "written" : "finished (copied since " + copy.get().index() + ")",
                (System.nanoTime() - started) / 1_000_000);
        seeded.run();
        return moving;
    }

    /**
     * Finishes the seed the background copy began ({@link SplitCopy#finish}) in the copy's file,
     * forced to disk and closed; null when that fails (the caller then writes the seed by
     * visiting the store instead: the parent is unchanged, nothing was lost).
     */
    private static List<byte[]> finishCopied(Command.Split split, ShardEngine parent, SplitCopies.Copy copy,
                                             SplitCopies.Copied copied) {
        List<byte[]> moving = new java.util.ArrayList<>();
        try (FileChannel out = copied.channel()) {
            SplitCopy.finish(copied.part(), parent, split, copy.written(), moving, copied.store());
            out.force(true);
            return moving;
        } catch (IOException | RuntimeException e) {
            // A failing disk fails the copy at the entry as well, and stops the store there.
            LOG.warn("shard {}: cannot finish the seed copied to {} for the split into shard {} ({}); copying now",
                    parent.shardId(), copy.file(), split.childShard(), e.toString());
            return null;
        }
    }

    /** The background copies of announced splits (the leader waits for its own before proposing one). */
    SplitCopies copies() {
        return copies;
    }

    /** The store filled ahead for {@code child} at its split, if there is one; the caller owns it from here. */
    Optional<SplitCopies.FilledStore> takeFilled(int child) {
        return copies.takeFilled(child);
    }

    /** {@code parent}'s replica closes: its background copy stops reading its store first. */
    void parentClosing(int parent) {
        copies.parentClosing(parent);
    }

    /** Stops the copier. */
    void close() {
        copies.close();
    }

    /** The seed of {@code childShard}, if this store has one. */
    Optional<Seed> seed(int childShard) {
        Path file = file(childShard);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            readFully(in, magic);
            boolean v1 = magic.equals(ByteBuffer.wrap(MAGIC_V1));
            if (!v1 && !magic.equals(ByteBuffer.wrap(MAGIC))) {
                throw new IOException("not a split seed");
            }
            ByteBuffer head = ByteBuffer.allocate(8 + (v1 ? 0 : MD5Hash.MD5_LENGTH) + 4).order(ByteOrder.LITTLE_ENDIAN);
            readFully(in, head);
            long index = head.getLong();
            MD5Hash md5 = null;
            if (!v1) {
                byte[] digest = new byte[MD5Hash.MD5_LENGTH];
                head.get(digest);
                md5 = MD5Hash.newInstance(digest);
            }
            int length = head.getInt();
            if (length < 0 || length > 1 << 20) {
                throw new IOException("members of " + length + " bytes");
            }
            ByteBuffer members = ByteBuffer.allocate(length);
            readFully(in, members);
            List<Replica> decoded = ChildMembers.decode(members.array());
            return Optional.of(v1
                    ? new Seed(childShard, index, decoded, file, file, in.position(), null)
                    : new Seed(childShard, index, decoded, file, stateFile(childShard), 0, md5));
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

    /**
     * Makes the seed's state the snapshot file {@code target}, with its digest file beside it:
     * a hard link where the seed's state is a whole file on the same file system, else a copy
     * forced to disk. Either way the target's folder is forced, so its name survives a crash.
     */
    static void placeSnapshot(Seed seed, Path target) throws IOException {
        Files.deleteIfExists(target);
        boolean linked = false;
        if (seed.stateOffset() == 0 && seed.md5() != null) {
            try {
                Files.createLink(target, seed.state());
                linked = true;
            } catch (IOException | UnsupportedOperationException e) {
                LOG.info("cannot link {} to {} ({}); copying it", target, seed.state(), e.toString());
            }
        }
        if (!linked) {
            try (FileChannel in = FileChannel.open(seed.state(), StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                long size = in.size() - seed.stateOffset();
                long done = 0;
                while (done < size) {
                    done += in.transferTo(seed.stateOffset() + done, size - done, out);
                }
                out.force(true);
            }
        }
        if (seed.md5() != null) {
            MD5FileUtil.saveMD5File(target.toFile(), seed.md5());
        } else {
            MD5FileUtil.saveMD5File(target.toFile(), SnapshotDigests.compute(target.toFile()));
        }
        forceDir(target.getParent());
    }

    /** Deletes the seed once the child no longer needs it. */
    void done(Seed seed) {
        try {
            Files.deleteIfExists(seed.file());
            Files.deleteIfExists(stateFile(seed.childShard()));
            LOG.info("shard {} applied past its split's starting state; removed {}", seed.childShard(), seed.file());
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", seed.file(), e.toString());
        }
    }

    private Path file(int childShard) {
        return dir.resolve("shard-" + childShard + ".seed");
    }

    private Path stateFile(int childShard) {
        return dir.resolve("shard-" + childShard + ".seed.state");
    }

    private static long sizeOrMinusOne(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void forceDir(Path folder) throws IOException {
        try (FileChannel d = FileChannel.open(folder, StandardOpenOption.READ)) {
            d.force(true);
        }
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
