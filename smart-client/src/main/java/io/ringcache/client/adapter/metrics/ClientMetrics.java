package io.ringcache.client.adapter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client's meters: latency per operation and outcome ({@code ringcache.client.requests}),
 * retries, partition-map refreshes, and near-cache hits and misses.
 */
public final class ClientMetrics {

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Counter retries;
    private final Counter refreshes;
    private final Counter nearHits;
    private final Counter nearMisses;
    private final io.micrometer.core.instrument.DistributionSummary attempts;

    public ClientMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.retries = Counter.builder("ringcache.client.retries").description("attempts retried after a failure")
                .register(registry);
        this.refreshes = Counter.builder("ringcache.client.map.refreshes")
                .description("partition map fetches forced by routing errors").register(registry);
        this.nearHits = Counter.builder("ringcache.client.near.cache").tag("result", "hit").register(registry);
        this.nearMisses = Counter.builder("ringcache.client.near.cache").tag("result", "miss").register(registry);
        this.attempts = io.micrometer.core.instrument.DistributionSummary.builder("ringcache.client.attempts")
                .description("attempts per shard call (1 = no retry): redirects and retries show here")
                .register(registry);
    }

    public void record(String op, String outcome, long nanos) {
        timers.computeIfAbsent(op + "/" + outcome, k -> Timer.builder("ringcache.client.requests")
                .description("client operations, from call to answer, retries included")
                .tag("op", op).tag("outcome", outcome).publishPercentileHistogram().register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void attempts(int n) {
        attempts.record(n);
    }

    public void retry() {
        retries.increment();
    }

    public void refresh() {
        refreshes.increment();
    }

    public void nearCache(boolean hit) {
        (hit ? nearHits : nearMisses).increment();
    }
}
