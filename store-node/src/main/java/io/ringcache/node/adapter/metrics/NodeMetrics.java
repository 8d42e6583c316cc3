package io.ringcache.node.adapter.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's metrics in Prometheus form: gRPC request rate and latency per method with errors by
 * status, per-shard role, applied index, entries, bytes and expiry lag, and JVM memory, GC and
 * threads.
 */
public final class NodeMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ShardGroupHost host;
    private final Set<Integer> shardGauges = ConcurrentHashMap.newKeySet();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final DistributionSummary batchSummary;
    private final DistributionSummary readRoundSummary;
    private final java.util.function.Supplier<io.ringcache.node.core.CacheStats> cacheStats;
    /**
     * The store's cache figures as of the current scrape: summed over the hosted shards once per
     * scrape, not once per meter that reads them.
     */
    private volatile io.ringcache.node.core.CacheStats scraped;
    private final io.ringcache.node.adapter.raft.HostHotKeys hotKeys;
    /** Hot keys per led shard in the exposition: few, because each key is a series of its own. */
    static final int HOT_KEYS_PER_SHARD = 5;

    public NodeMetrics(ShardGroupHost host, java.util.function.Supplier<io.ringcache.node.core.CacheStats> cacheStats,
                       io.ringcache.node.adapter.raft.HostHotKeys hotKeys) {
        this.host = host;
        this.hotKeys = hotKeys;
        this.cacheStats = cacheStats;
        this.scraped = cacheStats.get();
        registerStore();
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        batchSummary = DistributionSummary.builder("ringcache_commit_batch_commands")
                .description("commands carried by one Raft log entry (group commit)").register(registry);
        readRoundSummary = DistributionSummary.builder("ringcache_read_round_keys")
                .description("linearizable single-key reads served by one ReadIndex round (read coalescing)").register(registry);
    }

    /** The Prometheus text exposition, refreshing per-shard gauges first. */
    public String scrape() {
        return scrape(true);
    }

    /**
     * As {@link #scrape()}; without {@code keyNames} the hot keys' names are left out (with auth
     * on, {@code /metrics} stays open to scrapers, but key names are for those allowed to read
     * them: {@code /v1/hotkeys} with admin).
     */
    public String scrape(boolean keyNames) {
        scraped = cacheStats.get();
        for (int shard : host.hostedShards()) {
            if (shardGauges.add(shard)) {
                registerShard(shard);
            }
        }
        StringBuilder out = new StringBuilder(registry.scrape());
        if (keyNames) {
            appendHotKeys(out);
        }
        return out.toString();
    }

    /**
     * The top keys of the shards this store leads, as {@code ringcache_hot_key_reads{shard,rank,key}}
     * (estimated reads, Space-Saving over a sample, halved every few seconds; raft-groups' HotKeys).
     * Written here rather than as Micrometer gauges: the keys change from scrape to scrape, and a
     * gauge per key would outlive its key.
     */
    private void appendHotKeys(StringBuilder out) {
        out.append("# HELP ringcache_hot_key_reads estimated recent reads of the most read keys of the shards this store leads\n")
                .append("# TYPE ringcache_hot_key_reads gauge\n");
        for (io.ringcache.node.core.ShardHotKeys s : hotKeys.top(-1, HOT_KEYS_PER_SHARD)) {
            if (!s.leader()) {
                continue;
            }
            int rank = 0;
            for (io.ringcache.shard.core.HotKeys.HotKey k : s.keys()) {
                out.append("ringcache_hot_key_reads{shard=\"").append(s.shard()).append("\",rank=\"").append(++rank)
                        .append("\",key=\"").append(labelValue(k.key())).append("\"} ").append(k.reads()).append('\n');
            }
        }
    }

    /**
     * A key as a Prometheus label value: its text when it is UTF-8 without control characters
     * (backslash and quote escaped), else {@code base64:} and its bytes in base64, so no scrape
     * carries raw binary.
     */
    static String labelValue(byte[] key) {
        String text = printable(key);
        return text == null ? "base64:" + java.util.Base64.getEncoder().encodeToString(key)
                : text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The key as text when it is valid UTF-8 with no control character; null otherwise. */
    static String printable(byte[] key) {
        try {
            String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(key)).toString();
            return text.chars().anyMatch(Character::isISOControl) ? null : text;
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** The store's figures as a cache: memory against -maxmemory, evictions by policy, hits and misses. */
    private void registerStore() {
        String policy = scraped.policy();
        Gauge.builder("ringcache_store_memory_used_bytes", this, m -> m.scraped.usedBytes())
                .description("logical bytes held by this store's replicas").register(registry);
        Gauge.builder("ringcache_store_maxmemory_bytes", this, m -> m.scraped.maxBytes())
                .description("this store's -maxmemory").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("ringcache_evicted_keys", this, m -> m.scraped.evictedKeys())
                .tag("policy", policy).description("keys evicted from this store's replicas").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("ringcache_evicted_bytes", this, m -> m.scraped.evictedBytes())
                .tag("policy", policy).description("logical bytes evicted from this store's replicas").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("ringcache_keyspace_hits", this, m -> m.scraped.hits())
                .description("reads served here that found their key").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("ringcache_keyspace_misses", this, m -> m.scraped.misses())
                .description("reads served here that did not find their key").register(registry);
    }

    private void registerShard(int shard) {
        Tags tags = Tags.of("shard", Integer.toString(shard));
        Gauge.builder("ringcache_shard_leader", host, h -> h.role(shard) == ShardGroupHost.Role.LEADER ? 1 : 0)
                .tags(tags).description("1 when this store leads the shard").register(registry);
        Gauge.builder("ringcache_shard_applied_index", host, h -> h.appliedIndex(shard)).tags(tags)
                .description("last log index applied by this replica").register(registry);
        Gauge.builder("ringcache_shard_entries", host, h -> h.engine(shard).map(e -> (double) e.store().size()).orElse(0.0))
                .tags(tags).description("keys held by this replica").register(registry);
        Gauge.builder("ringcache_shard_bytes", host, h -> h.engine(shard).map(e -> (double) e.store().bytesUsed()).orElse(0.0))
                .tags(tags).description("logical bytes held (key + value + 48 per entry)").register(registry);
        Gauge.builder("ringcache_shard_expiry_lag_max_ms", host,
                        h -> h.engine(shard).map(e -> (double) e.expiryLag().maxMillis()).orElse(0.0))
                .tags(tags).description("largest delay from a key's expiry to its reclamation").register(registry);
        Gauge.builder("ringcache_shard_expiry_lag_mean_ms", host,
                        h -> h.engine(shard).map(e -> e.expiryLag().meanMillis()).orElse(0.0))
                .tags(tags).description("mean delay from a key's expiry to its reclamation").register(registry);
        Gauge.builder("ringcache_shard_expired_keys", host,
                        h -> h.engine(shard).map(e -> (double) e.expiryLag().count()).orElse(0.0))
                .tags(tags).description("keys reclaimed after expiry").register(registry);
        Gauge.builder("ringcache_shard_evicted_keys", host,
                        h -> h.engine(shard).map(e -> (double) e.counters().evictedKeys()).orElse(0.0))
                .tags(tags).description("keys evicted from this replica").register(registry);
        Gauge.builder("ringcache_shard_hits", host, h -> h.engine(shard).map(e -> (double) e.counters().hits()).orElse(0.0))
                .tags(tags).description("reads served by this replica that found their key").register(registry);
        Gauge.builder("ringcache_shard_misses", host, h -> h.engine(shard).map(e -> (double) e.counters().misses()).orElse(0.0))
                .tags(tags).description("reads served by this replica that did not find their key").register(registry);
    }

    /** Times every gRPC call by method and counts failures by status. */
    public ServerInterceptor grpcInterceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                              ServerCallHandler<Q, R> next) {
                String method = call.getMethodDescriptor().getBareMethodName();
                long start = System.nanoTime();
                return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        Timer.builder("ringcache_grpc_request").tag("method", String.valueOf(method))
                                .publishPercentileHistogram().register(registry)
                                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                        if (!status.isOk()) {
                            Counter.builder("ringcache_grpc_errors").tag("method", String.valueOf(method))
                                    .tag("status", status.getCode().name()).register(registry).increment();
                        }
                        super.close(status, trailers);
                    }
                }, headers);
            }
        };
    }

    /**
     * Counts TLS refusals at a Netty front door ({@code http}, {@code resp}) by reason:
     * {@code handshake} (a plaintext client, a certificate from another CA) or {@code forbidden}
     * (a request its certificate does not entitle it to). gRPC refusals show as
     * {@code ringcache_grpc_errors{status="UNAUTHENTICATED"}}.
     */
    /**
     * Counts a request refused by auth at {@code door} (grpc, http, resp, pd) with its reason
     * (unauthenticated, permission_denied): {@code ringcache_auth_refusals_total}.
     */
    public void authRefusal(String door, String reason) {
        Counter.builder("ringcache_auth_refusals").tag("door", door).tag("reason", reason).register(registry).increment();
    }

    public java.util.function.Consumer<String> tlsRefusals(String door) {
        return reason -> Counter.builder("ringcache_tls_refusals").tag("door", door).tag("reason", reason)
                .register(registry).increment();
    }

    /** Records the commands carried by one log entry of group commit. */
    public void commitBatch(int commands) {
        batchSummary.record(commands);
    }

    /** Records the reads served by one coalesced ReadIndex round. */
    public void readRound(int reads) {
        readRoundSummary.record(reads);
    }

    /** Counts a typed error returned in a reply body (routing and capacity errors). */
    public void typedError(String kind) {
        Counter.builder("ringcache_typed_errors").tag("kind", kind).register(registry).increment();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
