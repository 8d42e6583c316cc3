package io.ringcache.placement.adapter.ratis;

import io.ringcache.placement.adapter.proto.PlacementStateProtos;
import io.ringcache.placement.core.PlacementState;
import io.ringcache.proto.v1.PlacementLogEntry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.io.MD5Hash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PD group's state machine. Each entry is a {@link PlacementLogEntry}: a whole new state and
 * the revision it was computed from. Apply is a compare-and-set on the revision, so an entry
 * proposed by a deposed leader from an old state is refused (reply "conflict") and changes
 * nothing: every member applies the same entries with the same outcome.
 *
 * <p>Reply content: one byte, 1 = applied, 0 = conflict, then the current revision (8 bytes).
 * Snapshots are the state's protobuf in one file ({@code snapshot.TERM_INDEX}) with an MD5.
 */
final class PlacementStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final List<Consumer<PlacementState>> listeners = new CopyOnWriteArrayList<>();
    private final Consumer<RaftPeerId> leaderChanged;
    private volatile PlacementState state = PlacementState.EMPTY;

    PlacementStateMachine(Consumer<RaftPeerId> leaderChanged) {
        this.leaderChanged = leaderChanged;
    }

    PlacementState state() {
        return state;
    }

    void addListener(Consumer<PlacementState> l) {
        listeners.add(l);
    }

    void removeListener(Consumer<PlacementState> l) {
        listeners.remove(l);
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.loadLatestSnapshot());
        });
    }

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null) {
            MD5FileUtil.verifySavedMD5(file, expected);
        }
        state = PlacementStateProtos.fromProto(io.ringcache.proto.v1.PlacementState.parseFrom(Files.readAllBytes(file.toPath())));
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.info("placement state loaded from snapshot {} (revision {})", snapshot.getTermIndex(), state.revision());
        publish(state);
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        PlacementState snap = state;
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
        Files.write(tmp.toPath(), PlacementStateProtos.toProto(snap).toByteArray());
        try (var ch = java.nio.channels.FileChannel.open(tmp.toPath(), java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        storage.cleanupOldSnapshots(RETAIN_TWO);
        return last.getIndex();
    }

    private static final org.apache.ratis.statemachine.SnapshotRetentionPolicy RETAIN_TWO =
            new org.apache.ratis.statemachine.SnapshotRetentionPolicy() {
                @Override
                public int getNumSnapshotsRetained() {
                    return 2;
                }
            };

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        RaftProtos.LogEntryProto entry = trx.getLogEntry();
        TermIndex ti = TermIndex.valueOf(entry);
        byte[] reply = new byte[9];
        try {
            PlacementLogEntry e = PlacementLogEntry.parseFrom(entry.getStateMachineLogEntry().getLogData().toByteArray());
            PlacementState current = state;
            if (e.getBaseRevision() == current.revision()) {
                PlacementState next = PlacementStateProtos.fromProto(e.getNext());
                state = new PlacementState(current.revision() + 1, next.map(), next.operators(), next.nextOperatorId(),
                        next.access());
                reply[0] = 1;
                publish(state);
            }
        } catch (IOException | RuntimeException ex) {
            // A malformed entry changes nothing on any member; the proposer sees a conflict.
            LOG.error("placement log entry {} could not be applied: {}", ti, ex.toString());
        }
        long rev = state.revision();
        for (int i = 0; i < 8; i++) {
            reply[1 + i] = (byte) (rev >>> (56 - 8 * i));
        }
        updateLastAppliedTermIndex(ti.getTerm(), ti.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        leaderChanged.accept(newLeaderId);
    }

    private void publish(PlacementState s) {
        for (var l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("placement state listener failed: {}", e.toString());
            }
        }
    }
}
