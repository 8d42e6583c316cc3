package io.ringcache.chaos.app;

import io.ringcache.chaos.core.Availability;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes whose fault has ended but whose store does not serve yet: a store restarted after
 * kill -9 or a full disk takes seconds to open its ports, load its replicas and hear its leaders.
 * Until its {@code /ready} answers 200, a node is still faulty; each such stretch becomes an
 * {@link Availability.Outage}, and the next fault waits for none to be left (so at most one node
 * is faulty at a time, as the nemesis plan intends). Used by the run's one thread.
 */
final class RecoveringNodes {

    private final List<String> storeHttpBases;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    /** Node (1-based) to the run's millisecond its fault ended. */
    private final Map<Integer, Long> recovering = new LinkedHashMap<>();
    private final List<Availability.Outage> outages = new ArrayList<>();

    /** @param storeHttpBases the stores' HTTP base URLs, node 1 first */
    RecoveringNodes(List<String> storeHttpBases) {
        this.storeHttpBases = List.copyOf(storeHttpBases);
    }

    /** {@code node}'s fault ended at {@code healedMillis}; it recovers until its store is ready. */
    void healed(int node, long healedMillis) {
        recovering.putIfAbsent(node, healedMillis);
    }

    /** Asks each recovering node's store whether it is ready; a ready one ends its outage at {@code nowMillis}. */
    void poll(long nowMillis) {
        recovering.entrySet().removeIf(e -> {
            if (!ready(e.getKey())) {
                return false;
            }
            outages.add(new Availability.Outage(e.getKey(), e.getValue(), nowMillis));
            return true;
        });
    }

    boolean any() {
        return !recovering.isEmpty();
    }

    /**
     * Whether every store answers {@code /ready} now. Placement's view alone misses a store whose
     * process runs but no longer answers anything (a stopped JVM is still a voter in every group
     * configuration); the suite saw one (chaos README, "IO errors").
     */
    boolean allReady() {
        return notReady().isEmpty();
    }

    /** The nodes whose store does not answer {@code /ready} now. */
    List<Integer> notReady() {
        List<Integer> nodes = new ArrayList<>();
        for (int node = 1; node <= storeHttpBases.size(); node++) {
            if (!ready(node)) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    /** The outages so far, and those still open as ending at {@code endMillis}. */
    List<Availability.Outage> outages(long endMillis) {
        List<Availability.Outage> all = new ArrayList<>(outages);
        recovering.forEach((node, since) -> all.add(new Availability.Outage(node, since, endMillis)));
        return all;
    }

    private boolean ready(int node) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(storeHttpBases.get(node - 1) + "/ready"))
                    .timeout(Duration.ofSeconds(1)).build();
            return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
