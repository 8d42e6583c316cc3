package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ResultCodec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Hands ringcache's requests (proposals and reads) to the local Ratis divisions in-process, as
 * one client id of the host, and turns Ratis' replies and failures into payloads or
 * {@link ShardCallException}s. Owned by {@link ShardGroupHost}; thread-safe (call ids come from
 * the host's shared counter).
 */
final class DivisionRequests {

    private final RaftServer server;
    private final RaftPeerId peerId;
    private final ClientId clientId;
    private final AtomicLong callIds;
    private final long maxEntryPayloadBytes;

    /** @param maxEntryPayloadBytes the largest entry Ratis appends ({@link RatisTuning#maxEntryPayloadBytes}) */
    DivisionRequests(RaftServer server, RaftPeerId peerId, ClientId clientId, AtomicLong callIds, long maxEntryPayloadBytes) {
        this.server = server;
        this.peerId = peerId;
        this.clientId = clientId;
        this.callIds = callIds;
        this.maxEntryPayloadBytes = maxEntryPayloadBytes;
    }

    /** Proposes an encoded entry (see {@code CommandCodec}); completes with one result per command. */
    CompletableFuture<List<CommandResult>> write(int shardId, byte[] entry) {
        if (entry.length > maxEntryPayloadBytes) {
            // Refused here: Ratis would fail the append and the leader would step down over it.
            return CompletableFuture.failedFuture(new ShardCallException(shardId,
                    ShardCallException.Reason.INVALID_ARGUMENT, null, "a write of " + entry.length
                    + " bytes exceeds the " + maxEntryPayloadBytes
                    + "-byte limit of one log entry; send it in smaller batches"));
        }
        return call(shardId, entry, RaftClientRequest.writeRequestType())
                .thenApply(content -> ResultCodec.decodeResults(content.toByteArray()));
    }

    /** Sends {@code payload} to the shard's division as a request of {@code type}; completes with the reply's content. */
    CompletableFuture<ByteString> call(int shardId, byte[] payload, RaftClientRequest.Type type) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(peerId)
                .setGroupId(ShardGroups.groupId(shardId))
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(payload)))
                .setType(type)
                .build();
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = submitToDivision(request);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(ShardCallException.unavailable(shardId, e));
        }
        return reply.handle((r, error) -> {
            if (error != null) {
                throw new CompletionException(ShardCallException.unavailable(shardId, error));
            }
            if (r.isSuccess()) {
                return r.getMessage().getContent();
            }
            throw new CompletionException(ShardCallException.of(shardId, r));
        });
    }

    /**
     * Hands a request to its division on the calling thread. Ratis' server-level
     * {@code submitClientRequestAsync} runs every request on the division's client pool and
     * {@code join()}s it there ({@code RaftServerImpl.executeSubmitClientRequestAsync} in 3.3.0):
     * two thread wake-ups per proposal and per read round, so the caller's thread only waits. The
     * division itself implements {@link RaftClientAsynchronousProtocol}, so ringcache calls it
     * directly and skips that pool. The work then done here (leader check, retry cache, encoding
     * the entry and queueing it for the log worker under the division's lock) may wait for that
     * lock, which is why every caller is a ringcache pool thread, never a transport event loop or
     * a Ratis thread. A group not hosted here (or a Ratis build whose division does not implement
     * the interface) takes the server's path, which also produces Ratis' own "not found" errors.
     */
    private CompletableFuture<RaftClientReply> submitToDivision(RaftClientRequest request) throws IOException {
        RaftServer.Division division;
        try {
            division = server.getDivision(request.getRaftGroupId());
        } catch (IOException notHosted) {
            return server.submitClientRequestAsync(request);
        }
        if (division instanceof RaftClientAsynchronousProtocol direct) {
            return direct.submitClientRequestAsync(request);
        }
        return server.submitClientRequestAsync(request);
    }
}
