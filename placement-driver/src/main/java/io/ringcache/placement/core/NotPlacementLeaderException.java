package io.ringcache.placement.core;

import java.io.IOException;

/** Only the PD leader may do this; the leader's id and client address are given when known. */
public final class NotPlacementLeaderException extends IOException {

    private final String leaderId;
    private final String leaderAddress;

    public NotPlacementLeaderException(String leaderId, String leaderAddress) {
        super("this placement driver member does not lead" + (leaderId.isEmpty() ? "" : "; the leader is " + leaderId
                + (leaderAddress.isEmpty() ? "" : " at " + leaderAddress)));
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress;
    }

    public String leaderId() {
        return leaderId;
    }

    public String leaderAddress() {
        return leaderAddress;
    }
}
