package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.junit.jupiter.api.Test;

/**
 * Which failed transfers Ratis 3.3.0 leaves pending (finding 22): the messages are Ratis' own,
 * the first as the fault suite's store logged it.
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
        // Wrapped, as transferAndWait wraps it.
        assertTrue(LeaderTransfers.leftPendingByRatis(new IOException("leader transfer of shard 0 failed",
                new TransferLeadershipException("g: Failed to transfer leadership to s1 (the current leader is s2): COMPLETED_EXCEPTIONALLY"))));
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
}
