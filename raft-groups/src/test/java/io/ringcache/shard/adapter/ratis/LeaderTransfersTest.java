package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.junit.jupiter.api.Test;

/**
 * Which failed transfers Ratis 3.3.0 leaves pending (finding 22), and what {@link LeaderTransfers}
 * does about them: the messages are Ratis' own, the first as the fault suite's store logged it;
 * a scripted Ratis answers transfers as Ratis does and records what it was asked.
 */
class LeaderTransfersTest {

    @Test
    void aTransferThatFailedAtOnceOrWithoutAFollowerIsLeftPending() {
        assertTrue(LeaderTransfers.leftPendingByRatis(new TransferLeadershipException("s2@group-000000000000: Failed to transfer "
                + "leadership to s1 (the current leader is s2): COMPLETED_EXCEPTIONALLY: java.util.concurrent.CompletionException: "
                + "org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException: UNAVAILABLE: io exception")));
        assertTrue(LeaderTransfers.leftPendingByRatis(new TransferLeadershipException(
                "s0@group-000000000003: Failed to transfer leadership to s2 (the current leader is s0): NULL_LOG_APPENDER")));
        assertTrue(LeaderTransfers.leftPendingByRatis(new TransferLeadershipException(
                "s0@group-000000000003: Failed to transfer leadership to s2 (the current leader is null): NULL_FOLLOWER")));
        // In a message, as transferAndWait reports a failed reply.
        assertTrue(LeaderTransfers.leftPendingByRatis(new IOException("leader transfer of shard 0 failed: "
                + new TransferLeadershipException("g: Failed to transfer leadership to s1 (the current leader is s2): COMPLETED_EXCEPTIONALLY"))));
    }

    @Test
    void transfersRatisClearsItselfAreNotSteppedDownFor() {
        // Timed out, or another leader elected: Ratis cleared these itself.
        assertFalse(LeaderTransfers.leftPendingByRatis(new TransferLeadershipException(
                "s2@group-000000000000: Failed to transfer leadership to s1 (the current leader is s2): TIMED_OUT(0.300s)")));
        assertFalse(LeaderTransfers.leftPendingByRatis(new TransferLeadershipException(
                "s2@group-000000000000: Failed to transfer leadership to s1 (the current leader is s3): DIFFERENT_LEADER")));
        // Refused before any transfer started, or because another is pending (that one is handled when it fails).
        assertFalse(LeaderTransfers.leftPendingByRatis(new TransferLeadershipException("s2@group-000000000000Failed to transfer "
                + "leadership to s3: a previous TransferLeadershipRequest:client-0BD727A498B8->s2@group-000000000000, cid=6905, "
                + "seq=null, RO, null exists")));
        assertFalse(LeaderTransfers.leftPendingByRatis(new TransferLeadershipException(
                "s2@group-000000000000 refused to transfer leadership to peer s1 when raft reconfiguration in progress.")));
        assertFalse(LeaderTransfers.leftPendingByRatis(null));
    }

    /** Answers transfers as Ratis 3.3.0 does, as told, and records every request. */
    private static final class ScriptedRatis implements LeaderTransfers.Ratis {
        final List<TransferLeadershipRequest> asked = new ArrayList<>();
        String failure;
        Long answerAge = 100L;

        @Override
        public CompletableFuture<RaftClientReply> transferLeadershipAsync(TransferLeadershipRequest request) {
            asked.add(request);
            RaftClientReply.Builder reply = RaftClientReply.newBuilder().setRequest(request);
            if (failure != null && request.getNewLeader() != null) {
                reply.setException(new TransferLeadershipException(failure));
            } else {
                reply.setSuccess();
            }
            return CompletableFuture.completedFuture(reply.build());
        }

        @Override
        public Long answerAgeMillis(int shardId, String peer) {
            return answerAge;
        }
    }

    private static LeaderTransfers transfers(ScriptedRatis ratis) {
        LeaderReads reads = new LeaderReads(null, true, 900_000_000L, shard -> CompletableFuture.completedFuture(null), System::nanoTime);
        return new LeaderTransfers(ratis, RaftPeerId.valueOf("s2"), ClientId.randomId(), new AtomicLong(), reads, 2_000_000_000L);
    }

    @Test
    void aTransferRatisLeftPendingMakesTheLeaderStepDown() {
        ScriptedRatis ratis = new ScriptedRatis();
        ratis.failure = "s2@group-000000000000: Failed to transfer leadership to s1 (the current leader is s2): COMPLETED_EXCEPTIONALLY";
        RaftClientReply reply = transfers(ratis).transfer(0, "s1", 300).join();
        assertFalse(reply.isSuccess(), "the caller still hears that the transfer failed");
        assertEquals(2, ratis.asked.size(), ratis.asked.toString());
        assertEquals(RaftPeerId.valueOf("s1"), ratis.asked.get(0).getNewLeader());
        assertNull(ratis.asked.get(1).getNewLeader(), "then a step-down: a transfer to no one");
    }

    @Test
    void aTransferThatTimedOutOrAStepDownThatFailedIsNotFollowedByAnother() {
        ScriptedRatis ratis = new ScriptedRatis();
        ratis.failure = "s2@group-000000000000: Failed to transfer leadership to s1 (the current leader is s2): TIMED_OUT(0.300s)";
        transfers(ratis).transfer(0, "s1", 300).join();
        assertEquals(1, ratis.asked.size(), ratis.asked.toString());

        ScriptedRatis stepping = new ScriptedRatis();
        transfers(stepping).transfer(0, null, 300).join();
        assertEquals(1, stepping.asked.size(), "a step-down is never followed by another");
    }

    @Test
    void aTargetThatHasNotAnsweredItsLeaderLatelyIsRefusedBeforeRatisIsAsked() {
        ScriptedRatis ratis = new ScriptedRatis();
        ratis.answerAge = 1_500L; // more than half the 2 s maximum election timeout
        CompletionException refused = assertThrows(CompletionException.class, () -> transfers(ratis).transfer(0, "s1", 300).join());
        assertTrue(refused.getCause().getMessage().contains("s1 has not answered its leader for 1500 ms"), refused.toString());
        assertTrue(ratis.asked.isEmpty(), "Ratis was not asked");

        ratis.answerAge = 400L;
        assertTrue(transfers(ratis).transfer(0, "s1", 300).join().isSuccess(), "a follower heard within the last heartbeats");
        ratis.answerAge = null;
        assertTrue(transfers(ratis).transfer(0, "s1", 300).join().isSuccess(), "not known: Ratis decides");
    }
}
