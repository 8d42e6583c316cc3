package io.ringcache.node.adapter.grpc;

import java.util.ArrayList;
import java.util.List;

/**
 * The placement driver members this store knows and the one it talks to. A member that is not
 * the leader names the leader, and the store moves there; a member that does not answer makes it
 * try the next. Members learned from the map replies are added, so a store started with one PD
 * address survives that member's loss. Thread-safe.
 */
final class PlacementEndpoints {

    private final List<String> known = new ArrayList<>();
    private String current;

    PlacementEndpoints(List<String> initial) {
        if (initial.isEmpty()) {
            throw new IllegalArgumentException("no placement driver address");
        }
        known.addAll(initial);
        current = initial.get(0);
    }

    synchronized String current() {
        return current;
    }

    synchronized List<String> all() {
        return List.copyOf(known);
    }

    /** A member said {@code leaderAddress} leads (empty: it does not know; try the next). */
    synchronized void redirect(String leaderAddress) {
        if (leaderAddress.isEmpty()) {
            rotate();
            return;
        }
        learn(leaderAddress);
        current = leaderAddress;
    }

    /** {@code address} did not answer: move on if it is still the current one. */
    synchronized void failed(String address) {
        if (address.equals(current)) {
            rotate();
        }
    }

    synchronized void learn(String address) {
        if (!address.isEmpty() && !known.contains(address)) {
            known.add(address);
        }
    }

    private void rotate() {
        current = known.get((known.indexOf(current) + 1) % known.size());
    }
}
