package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.ChangedKeys;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.MalformedMessageException;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardError;
import io.ringcache.shard.core.ShardSnapshot;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of one shard replica: the adapter between a Ratis division and the
 * pure {@link ShardEngine}.
 *
 * <ul>
 *   <li>Leader, {@link #startTransaction}: validates the proposal (a malformed one is refused and
 *       never reaches the log) and stamps it with the leader's clock, so every replica computes
 *       the same expiry times.</li>
 *   <li>{@link #applyTransaction}: decodes and applies on the division's apply thread. Errors of
 *       the application (CAS mismatch, shard full, oversize) are results in the reply; nothing
 *       thrown out of apply, which Ratis would treat as fatal.</li>
 *   <li>{@link #query}: runs after Ratis' ReadIndex (the server is configured LINEARIZABLE), so
 *       it reflects every write acknowledged before the read began.</li>
 *   <li>Snapshots: {@link ShardSnapshot} streamed to {@code snapshot.TERM_INDEX} with an MD5 file;
 *       Ratis ships them to lagging followers, which {@link #reinitialize} from them.</li>
 *   <li>Apply listeners ({@link ShardApplyListener}): told the keys each applied entry changed, a
 *       reset when a snapshot replaces the state, and that the replica stopped on {@link #close}.
 *       With none registered, apply pays one volatile read per entry and allocates nothing more.</li>
 * </ul>
 */
public final class ShardStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(ShardStateMachine.class);

    private final ShardEngine engine;
    private final LongSupplier clockMillis;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    /**
     * The newest snapshot on disk, or null when there is none; set whenever the folder changes
     * (start, install, take). Ratis asks for it on every AppendEntries round, and
     * {@link SimpleStateMachineStorage} re-lists the folder on each call while no snapshot exists.
     */
    private volatile SingleFileSnapshotInfo latestSnapshot;
    /** Set when this replica becomes leader: the expiry task rebuilds the index before planning. */
    private final AtomicBoolean expiryRebuildPending = new AtomicBoolean();
    /** Snapshots installed from a leader (not counting the one loaded at start). */
    private final AtomicLong installedSnapshots = new AtomicLong();

    private static final ShardApplyListener[] NO_LISTENERS = new ShardApplyListener[0];
    /**
     * Copy-on-write under {@link #listenerLock}, read without a lock by the apply thread: one
     * volatile read per entry when empty. Set to null once closed, so no listener registers after
     * {@link ShardApplyListener#stopped} was sent.
     */
    private volatile ShardApplyListener[] listeners = NO_LISTENERS;
    private final Object listenerLock = new Object();
    /** The keys the entry being applied changed; used on the apply thread only, only when listened to. */
    private final ArrayList<byte[]> changedKeys = new ArrayList<>();
    private final ChangedKeys collectKeys = changedKeys::add;

    /** Told when this replica's Raft log failed (a write or fsync error): the log takes no more entries. */
    private final java.util.function.Consumer<Throwable> logFailed;

    public ShardStateMachine(ShardEngine engine, LongSupplier clockMillis) {
        this(engine, clockMillis, cause -> { });
    }

    public ShardStateMachine(ShardEngine engine, LongSupplier clockMillis, java.util.function.Consumer<Throwable> logFailed) {
        this(engine, clockMillis, logFailed, null);
    }

    /** @param seeds where a split child finds its starting state (null: this replica is never one) */
    ShardStateMachine(ShardEngine engine, LongSupplier clockMillis, java.util.function.Consumer<Throwable> logFailed,
                      SplitSeeds seeds) {
        this(engine, clockMillis, logFailed, seeds, null);
    }

    /**
     * @param filled when not null, the engine's store was filled ahead with the entries of the
     *               seed {@code filled} names ({@link SplitCopies}): loading exactly that seed
     *               then moves past its entries instead of loading them, and takes the expiry
     *               index the copy gathered
     */
    ShardStateMachine(ShardEngine engine, LongSupplier clockMillis, java.util.function.Consumer<Throwable> logFailed,
                      SplitSeeds seeds, SplitCopies.FilledStore filled) {
        this.engine = engine;
        this.clockMillis = clockMillis;
        this.logFailed = logFailed;
        this.seeds = seeds;
        this.filled = filled;
    }

    private final SplitSeeds seeds;
    /** Told of each leader this replica learns of ({@link #whenLeaderChanged}). */
    private volatile LeaderChangeListener leaderChanged = (shard, leader, here) -> { };
    /** See the constructor; used by the first {@link #load} only, then null. */
    private SplitCopies.FilledStore filled;

    /**
     * The term of a split child's first snapshot. Not 0: Ratis 3.3.0 takes a voter whose last entry
     * has term 0 for one with an empty log and refuses its vote ({@code LeaderElection.nonEmptyLog}),
     * so no child could elect. 1 is the child's first leader's term too (its stored term starts at
     * 0), so the entries it appends never have a lower term than the snapshot.
     */
    static final long SEED_TERM = 1;

    /**
     * Ratis' log worker failed to write or sync (a full or failing disk). From then on Ratis fails
     * every further append of this division ("Log already failed") until the process restarts, so
     * the replica is useless until then; the host decides what to do (the store stops, see
     * {@code ShardGroupHost#onLogFailure}).
     */
    @Override
    public void notifyLogFailed(Throwable cause, org.apache.ratis.proto.RaftProtos.LogEntryProto failedEntry) {
        logFailed.accept(cause);
    }

    public ShardEngine engine() {
        return engine;
    }

    /** Registers {@code listener}; false (and nothing registered) when this replica has stopped. */
    boolean addListener(ShardApplyListener listener) {
        synchronized (listenerLock) {
            ShardApplyListener[] current = listeners;
            if (current == null) {
                return false;
            }
            ShardApplyListener[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = listener;
            listeners = next;
            return true;
        }
    }

    /** Unregisters {@code listener} (identity); does nothing when it is not registered. */
    void removeListener(ShardApplyListener listener) {
        synchronized (listenerLock) {
            ShardApplyListener[] current = listeners;
            if (current == null) {
                return;
            }
            for (int i = 0; i < current.length; i++) {
                if (current[i] == listener) {
                    ShardApplyListener[] next = new ShardApplyListener[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    listeners = next.length == 0 ? NO_LISTENERS : next;
                    return;
                }
            }
        }
    }

    int listenerCount() {
        ShardApplyListener[] current = listeners;
        return current == null ? 0 : current.length;
    }

    /** How many snapshots this replica installed from its leader since it started. */
    public long installedSnapshots() {
        return installedSnapshots.get();
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return latestSnapshot;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            latestSnapshot = storage.loadLatestSnapshot();
            if (latestSnapshot == null && seeds != null) {
                latestSnapshot = startFromSeed().orElse(null);
            }
            load(latestSnapshot);
            if (seeds != null && !engine.splits().isEmpty()) {
                seeds.loadedAtStart(engine.shardId(), engine.splits());
            }
        });
    }

    @Override
    public void pause() {
        // Ratis requires PAUSED before it replaces the state machine directory on snapshot install.
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        // loadLatestSnapshot rescans the folder: the cached one may be a file the install deleted.
        latestSnapshot = storage.loadLatestSnapshot();
        load(latestSnapshot);
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            installedSnapshots.incrementAndGet();
            if (seeds != null && !engine.splits().isEmpty()) {
                seeds.learnedFromSnapshot(engine.shardId(), engine.splits());
            }
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    /**
     * A split child's first start: its seed becomes its first snapshot, named for term
     * {@link #SEED_TERM} and the split's index, so its log begins after the split and its versions
     * above the parent's.
     */
    private java.util.Optional<SingleFileSnapshotInfo> startFromSeed() throws IOException {
        java.util.Optional<SplitSeeds.Seed> seed = seeds.seed(engine.shardId());
        if (seed.isEmpty()) {
            return java.util.Optional.empty();
        }
        File file = storage.getSnapshotFile(SEED_TERM, seed.get().splitIndex());
        Files.createDirectories(file.getParentFile().toPath());
        SplitSeeds.placeSnapshot(seed.get(), file.toPath());
        LOG.info("shard {} starts from the state its parent handed over at index {}", engine.shardId(),
                seed.get().splitIndex());
        return java.util.Optional.ofNullable(storage.loadLatestSnapshot());
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            engine.store().clear();
            TermIndex applied = getLastAppliedTermIndex();
            notifyReset(applied == null ? 0 : Math.max(0, applied.getIndex()));
            return;
        }
        long started = System.nanoTime();
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        SplitCopies.FilledStore ahead = filled;
        filled = null;
        // The seed this store's entries were filled for: written by this process moments ago, its
        // digest computed as it was written; its entries are already in the store.
        boolean adopt = ahead != null && expected != null && snapshot.getTerm() == SEED_TERM
                && snapshot.getIndex() == ahead.splitIndex() && expected.equals(ahead.md5());
        if (expected != null && !adopt) {
            SnapshotDigests.verify(file, expected);
        }
        long verified = System.nanoTime();
        try (FileChannel in = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            if (adopt) {
                ShardSnapshot.restoreOverLoadedEntries(engine, in, ahead.part());
            } else {
                ShardSnapshot.restore(engine, in);
            }
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.info("shard {} loaded snapshot {} ({} entries; {} in {} ms, loaded in {} ms)", engine.shardId(),
                snapshot.getTermIndex(), engine.store().size(),
                adopt ? "its entries were filled in while the parent copied them, digest not checked" : "digest checked",
                (verified - started) / 1_000_000, (System.nanoTime() - verified) / 1_000_000);
        notifyReset(snapshot.getTermIndex().getIndex());
    }

    private void notifyReset(long index) {
        ShardApplyListener[] current = listeners;
        if (current == null) {
            return;
        }
        for (ShardApplyListener l : current) {
            try {
                l.reset(engine.shardId(), index);
            } catch (Throwable t) {
                LOG.warn("shard {}: apply listener {} failed on reset at {}", engine.shardId(), l, index, t);
            }
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
        java.security.MessageDigest digest = MD5FileUtil.newMD5();
        try (FileChannel out = FileChannel.open(tmp.toPath(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            // Digested as written: the file is not read back (through a memory map, as Ratis would).
            ShardSnapshot.write(engine, SnapshotDigests.digesting(out, digest));
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp.toPath());
            throw e;
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5Hash.newInstance(digest.digest());
        MD5FileUtil.saveMD5File(file, md5);
        SingleFileSnapshotInfo taken = new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last);
        storage.updateLatestSnapshot(taken);
        latestSnapshot = taken;
        storage.cleanupOldSnapshots(RETAIN_TWO);
        LOG.info("shard {} took snapshot {} ({} entries, {} bytes)", engine.shardId(), last,
                engine.store().size(), file.length());
        return last.getIndex();
    }

    private static final SnapshotRetentionPolicy RETAIN_TWO = new SnapshotRetentionPolicy() {
        @Override
        public int getNumSnapshotsRetained() {
            return 2;
        }
    };

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        ByteString content = request.getMessage().getContent();
        TransactionContext.Builder builder = TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request);
        try {
            long now = Math.max(clockMillis.getAsLong(), engine.logTime());
            byte[] stamped = CommandCodec.stamp(wrap(content), 0, content.size(), now);
            return builder.setLogData(UnsafeByteOperations.unsafeWrap(stamped)).build();
        } catch (MalformedMessageException e) {
            TransactionContext refused = builder.build();
            refused.setException(new StateMachineException(
                    ShardError.INVALID_ARGUMENT + ": malformed command: " + e.getMessage()));
            return refused;
        }
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ByteString data = entry.getStateMachineLogEntry().getLogData();
        List<CommandResult> results;
        // Read once per entry: with no listener nothing is collected (the engine skips reporting).
        ShardApplyListener[] observers = listeners;
        boolean observed = observers != null && observers.length > 0;
        try {
            CommandBatch batch = CommandCodec.decodeEntry(wrap(data), 0, data.size());
            results = engine.apply(entry.getIndex(), batch, observed ? collectKeys : null);
        } catch (MalformedMessageException e) {
            // Only a leader of another format version could append this; every replica answers alike.
            results = List.of(new CommandResult.Rejected(ShardError.INVALID_ARGUMENT,
                    "malformed log entry " + entry.getIndex() + ": " + e.getMessage()));
        }
        // The applied index first: an observer that sees index N may rely on appliedIndex >= N here.
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        if (observed && !changedKeys.isEmpty()) {
            notifyApplied(observers, entry.getIndex());
        }
        return CompletableFuture.completedFuture(
                Message.valueOf(UnsafeByteOperations.unsafeWrap(ResultCodec.encodeResults(results))));
    }

    private void notifyApplied(ShardApplyListener[] observers, long index) {
        try {
            for (ShardApplyListener l : observers) {
                try {
                    l.applied(engine.shardId(), index, changedKeys);
                } catch (Throwable t) {
                    LOG.warn("shard {}: apply listener {} failed at {}", engine.shardId(), l, index, t);
                }
            }
        } finally {
            changedKeys.clear();
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        ByteString content = request.getContent();
        try {
            Query query = CommandCodec.decodeQuery(wrap(content), 0, content.size());
            ResultCodec.Answer answer = engine.query(query, clockMillis.getAsLong());
            return CompletableFuture.completedFuture(
                    Message.valueOf(UnsafeByteOperations.unsafeWrap(ResultCodec.encodeAnswer(answer))));
        } catch (MalformedMessageException e) {
            return CompletableFuture.failedFuture(new StateMachineException(
                    ShardError.INVALID_ARGUMENT + ": malformed query: " + e.getMessage()));
        } catch (io.ringcache.shard.core.WrongShardException e) {
            return CompletableFuture.failedFuture(new StateMachineException(e.getMessage()));
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
        LOG.info("shard {} on {}: leader is now {}", engine.shardId(), member.getPeerId(), newLeader);
        boolean here = member.getPeerId().equals(newLeader);
        if (here) {
            expiryRebuildPending.set(true);
        }
        if (newLeader != null) {
            leaderChanged.leaderChanged(engine.shardId(), newLeader.toString(), here);
        }
    }

    @Override
    public void notifyLeaderReady() {
        leaderChanged.leaderReady(engine.shardId());
    }

    /** Tells {@code l} (on Ratis' thread: it must not block) of each leader this replica learns of. */
    void whenLeaderChanged(LeaderChangeListener l) {
        this.leaderChanged = l;
    }

    /** True once after this replica became leader: the caller rebuilds the expiry index. */
    boolean takeExpiryRebuild() {
        return expiryRebuildPending.getAndSet(false);
    }

    void requestExpiryRebuild() {
        expiryRebuildPending.set(true);
    }

    @Override
    public void close() throws IOException {
        ShardApplyListener[] stopped;
        synchronized (listenerLock) {
            stopped = listeners;
            listeners = null;
        }
        if (stopped != null) {
            for (ShardApplyListener l : stopped) {
                try {
                    l.stopped(engine.shardId());
                } catch (Throwable t) {
                    LOG.warn("shard {}: apply listener {} failed on stop", engine.shardId(), l, t);
                }
            }
        }
        if (seeds != null) {
            seeds.parentClosing(engine.shardId()); // a split's background copy reads the store
        }
        super.close();
        engine.store().close();
    }

    /** A zero-copy view of a Ratis ByteString (copies only if the string is not flat). */
    private static UnsafeBuffer wrap(ByteString bytes) {
        return new UnsafeBuffer(bytes.asReadOnlyByteBuffer());
    }
}
