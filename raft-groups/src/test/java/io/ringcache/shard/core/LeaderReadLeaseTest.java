package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LeaderReadLeaseTest {

    private static final long S = 1_000_000_000L;
    private final LeaderReadLease lease = new LeaderReadLease(2 * S);

    @Test
    void noLeaseUntilABarrierCommitsThenUntilItsProposalPlusTheDuration() {
        assertFalse(lease.validAt(5, 0));
        lease.renew(lease.ticket(), 5, 10 * S);
        assertTrue(lease.validAt(5, 10 * S));
        assertTrue(lease.validAt(5, 12 * S - 1));
        assertFalse(lease.validAt(5, 12 * S));
    }

    @Test
    void aLeaseHoldsOnlyInTheTermItsBarrierWasProposedIn() {
        lease.renew(lease.ticket(), 5, 10 * S);
        assertFalse(lease.validAt(6, 10 * S));
        lease.renew(lease.ticket(), 6, 11 * S);
        assertTrue(lease.validAt(6, 12 * S));
        assertFalse(lease.validAt(5, 12 * S));
    }

    @Test
    void anOlderBarrierNeverShortensTheLease() {
        lease.renew(lease.ticket(), 5, 10 * S);
        lease.renew(lease.ticket(), 5, 9 * S);
        assertTrue(lease.validAt(5, 12 * S - 1));
    }

    @Test
    void aTransferEndsTheLeaseAndNoBarrierProposedBeforeOrDuringItGrantsOne() {
        long before = lease.ticket();
        lease.renew(before, 5, 10 * S);
        lease.suspend();
        assertFalse(lease.validAt(5, 10 * S));
        long during = lease.ticket();
        lease.renew(during, 5, 10 * S + 1);
        lease.renew(before, 5, 10 * S + 2);
        assertFalse(lease.validAt(5, 10 * S + 3));
        lease.resume(11 * S, 4 * S);
        lease.renew(during, 5, 16 * S);
        assertFalse(lease.validAt(5, 16 * S), "a ticket from during the transfer");
        lease.renew(lease.ticket(), 5, 14 * S);
        assertFalse(lease.validAt(5, 14 * S), "proposed within the quiet period");
        lease.renew(lease.ticket(), 5, 15 * S);
        assertTrue(lease.validAt(5, 15 * S));
    }

    @Test
    void suspensionsNest() {
        lease.suspend();
        lease.suspend();
        lease.resume(1 * S, 0);
        lease.renew(lease.ticket(), 5, 2 * S);
        assertFalse(lease.validAt(5, 2 * S));
        lease.resume(2 * S, 0);
        lease.renew(lease.ticket(), 5, 3 * S);
        assertTrue(lease.validAt(5, 3 * S));
        assertThrows(IllegalStateException.class, () -> lease.resume(4 * S, 0));
    }

    @Test
    void renewalIsWantedOnceHalfTheLeaseIsGone() {
        assertTrue(lease.wantsRenewal(0));
        lease.renew(lease.ticket(), 5, 10 * S);
        assertFalse(lease.wantsRenewal(10 * S + S / 2));
        assertTrue(lease.wantsRenewal(11 * S + 1));
    }

    @Test
    void timesWrapAroundLikeNanoTime() {
        long near = Long.MAX_VALUE - S;
        lease.renew(lease.ticket(), 1, near);
        assertTrue(lease.validAt(1, near + S + S / 2));
        assertFalse(lease.validAt(1, near + 2 * S));
    }
}
