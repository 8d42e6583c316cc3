package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.ratis.ShardGroupHost.Replica;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which shard groups the host's Raft server runs, and their folders: adding a group (idempotent;
 * a failed add deletes the folder it left, so a retry starts clean), removing one with its data,
 * and the shards whose replica was set aside at start ({@link UnreadableReplicas}) and is not
 * hosted again. Owned by {@link ShardGroupHost}.
 *
 * <pre>
 *   storage/                 one folder per group (Ratis takes every folder here for a group)
 *   storage/&lt;group uuid&gt;/
 *   storage-quarantine/      replicas set aside, beside the storage folder and never in it
 * </pre>
 */
final class HostedGroups {

    private static final Logger LOG = LoggerFactory.getLogger(HostedGroups.class);

    private final RaftServer server;
    private final RaftPeerId peerId;
    private final ClientId clientId;
    private final AtomicLong callIds;
    private final Path storageDir;

    HostedGroups(RaftServer server, RaftPeerId peerId, ClientId clientId, AtomicLong callIds, Path storageDir) {
        this.server = server;
        this.peerId = peerId;
        this.clientId = clientId;
        this.callIds = callIds;
        this.storageDir = storageDir;
    }

    /** Where replicas with damaged metadata are moved: {@code <storage>-quarantine} beside the storage folder. */
    static Path quarantineDir(Path storageDir) {
        Path storage = storageDir.toAbsolutePath();
        return storage.resolveSibling(storage.getFileName() + "-quarantine");
    }

    /** See {@link ShardGroupHost#addShard(int, List, List)}. */
    void add(int shardId, List<Replica> replicas, List<Replica> learners) throws IOException {
        RaftGroupId groupId = ShardGroups.groupId(shardId);
        if (hosts(groupId)) {
            return;
        }
        if (replicas.stream().noneMatch(r -> r.peerId().equals(peerId.toString()))
                && learners.stream().noneMatch(r -> r.peerId().equals(peerId.toString()))) {
            throw new IllegalArgumentException("store " + peerId + " is not a replica of shard " + shardId);
        }
        List<RaftPeer> peers = new ArrayList<>(ShardMembership.peers(replicas, RaftProtos.RaftPeerRole.FOLLOWER));
        peers.addAll(ShardMembership.peers(learners, RaftProtos.RaftPeerRole.LISTENER));
        RaftGroup group = RaftGroup.valueOf(groupId, peers);
        try {
            RaftClientReply reply = server.groupManagement(
                    GroupManagementRequest.newAdd(clientId, peerId, callIds.incrementAndGet(), group, true));
            if (!reply.isSuccess()) {
                throw reply.getException() != null ? reply.getException() : new IOException("add refused");
            }
        } catch (IOException | RuntimeException e) {
            if (!hosts(groupId)) {
                deleteGroupFolder(groupId);
            }
            throw new IOException("adding shard " + shardId + " on " + peerId + " failed: " + e.getMessage(), e);
        }
        LOG.info("store {} now hosts shard {} with replicas {}{}", peerId, shardId, replicas,
                learners.isEmpty() ? "" : " and learners " + learners);
    }

    /** See {@link ShardGroupHost#takeSnapshot}. */
    long takeSnapshot(int shardId, long timeoutMillis) throws IOException {
        RaftClientReply reply = server.snapshotManagement(org.apache.ratis.protocol.SnapshotManagementRequest.newCreate(
                clientId, peerId, ShardGroups.groupId(shardId), callIds.incrementAndGet(), timeoutMillis));
        if (!reply.isSuccess()) {
            throw new IOException("snapshot of shard " + shardId + " failed: " + reply.getException());
        }
        return reply.getLogIndex();
    }

    /** Stops hosting {@code shardId} and deletes its data; false when it was not hosted. */
    boolean remove(int shardId) throws IOException {
        RaftGroupId groupId = ShardGroups.groupId(shardId);
        if (!hosts(groupId)) {
            return false;
        }
        RaftClientReply reply = server.groupManagement(GroupManagementRequest.newRemove(
                clientId, peerId, callIds.incrementAndGet(), groupId, true, false));
        if (!reply.isSuccess()) {
            throw new IOException("removing shard " + shardId + " failed: " + reply.getException());
        }
        LOG.info("store {} no longer hosts shard {}", peerId, shardId);
        return true;
    }

    SortedSet<Integer> hosted() {
        SortedSet<Integer> out = new TreeSet<>();
        for (RaftGroupId g : server.getGroupIds()) {
            out.add(ShardGroups.shardId(g));
        }
        return out;
    }

    /** See {@link ShardGroupHost#lostShards()}. */
    SortedSet<Integer> lost() {
        Path quarantine = quarantineDir(storageDir);
        try {
            SortedSet<Integer> lost = UnreadableReplicas.quarantined(quarantine);
            lost.removeAll(hosted());
            return lost;
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", quarantine, e.toString());
            return new TreeSet<>();
        }
    }

    private boolean hosts(RaftGroupId groupId) {
        for (RaftGroupId g : server.getGroupIds()) {
            if (g.equals(groupId)) {
                return true;
            }
        }
        return false;
    }

    private void deleteGroupFolder(RaftGroupId groupId) {
        Path folder = storageDir.resolve(groupId.getUuid().toString());
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up half-made group folder " + folder, e);
        }
    }
}
