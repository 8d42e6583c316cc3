package io.ringcache.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringcache.client.adapter.grpc.GrpcRingcacheClient;
import io.ringcache.client.adapter.grpc.NearCacheSettings;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Configures and connects a {@link RingcacheClient}. */
public final class RingcacheClientBuilder {

    /** Default bounds of the hot-key near cache: entries, bytes, and how old an entry may be served. */
    public static final int HOT_NEAR_ENTRIES = 1_024;
    public static final long HOT_NEAR_BYTES = 16L << 20;
    public static final Duration HOT_NEAR_STALENESS = Duration.ofSeconds(5);

    /**
     * The default attempt timeout: above a loaded cluster's slowest answers (p99 0.5-0.65 s at 256
     * writes in flight over 64 shards on 2 cores, bench/RESULTS.md), and short enough that a call
     * sent while its leader is cut off still finds the new leader (elected 1-4 s after a failure
     * with the stores' default 1 s election timeout) within the 5 s request timeout.
     */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

    private final List<String> placementDrivers = new ArrayList<>();
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private MeterRegistry meters = new SimpleMeterRegistry();
    private long clientId = new SecureRandom().nextLong() & Long.MAX_VALUE | 1;
    private boolean coalescing = true;
    private boolean hotKeyReads = false;
    /** TLS files (CA, and optionally a client certificate and key); null ca for plaintext. */
    private java.nio.file.Path tlsCa;
    private java.nio.file.Path tlsCert;
    private java.nio.file.Path tlsKey;
    private String authorization;
    /** The near cache for every stale read, or null. */
    private NearCacheSettings nearCache;
    /** The near cache for hot keys only (used when {@link #nearCache} is null), or null when turned off. */
    private NearCacheSettings hotKeyNearCache = new NearCacheSettings(HOT_NEAR_ENTRIES, HOT_NEAR_BYTES, HOT_NEAR_STALENESS, true);

    RingcacheClientBuilder() {
    }

    /** Placement driver members' gRPC addresses (host:port); any one is enough, more survive its loss. */
    public RingcacheClientBuilder placementDriver(String... addresses) {
        for (String a : addresses) {
            for (String part : a.split(",")) {
                String p = part.trim();
                if (!p.matches("[^:\\s]+:\\d{1,5}")) {
                    throw new IllegalArgumentException("placement driver address must be host:port, not '" + p + "'");
                }
                placementDrivers.add(p);
            }
        }
        return this;
    }

    /** The deadline of each call, retries included (default 5 s); a call never takes longer. */
    public RingcacheClientBuilder requestTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive");
        }
        this.requestTimeout = timeout;
        return this;
    }

    /**
     * The most the first attempt (one RPC to one store) may take before the call gives up on that
     * store and tries another replica, within the request timeout (default 2 s); each later attempt
     * may take twice as long as the one before (up to 16 times this), so a merely slow RPC still
     * completes. A leader cut off by a partition never answers; without this a call would wait for
     * it until its deadline. Writes keep their sequence number across attempts, so one that did
     * apply is not applied again.
     */
    public RingcacheClientBuilder attemptTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the attempt timeout must be positive");
        }
        this.attemptTimeout = timeout;
        return this;
    }

    /** How long {@link #build()} waits for the first partition map (default 10 s). */
    public RingcacheClientBuilder connectTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the connect timeout must be positive");
        }
        this.connectTimeout = timeout;
        return this;
    }

    /** Where the client's meters go (default: a private in-memory registry). */
    public RingcacheClientBuilder meterRegistry(MeterRegistry registry) {
        this.meters = registry;
        return this;
    }

    /**
     * This client's id in the shards' retry tables (default: random). Two live clients must not
     * share one; a restarted client should take a new one.
     */
    public RingcacheClientBuilder clientId(long id) {
        if (id == 0) {
            throw new IllegalArgumentException("client id 0 means 'no id'; pick another");
        }
        this.clientId = id;
        return this;
    }

    /** Whether concurrent gets and puts to one store are coalesced into batch calls (default true). */
    public RingcacheClientBuilder coalescing(boolean on) {
        this.coalescing = on;
        return this;
    }

    /**
     * Whether linearizable reads of keys the stores mark hot go to any replica of their shard as
     * follower reads (still linearizable: a ReadIndex round with the leader), which spreads a hot
     * key's reads over its replicas. Off by default: a follower read costs a ReadIndex round that
     * the leader's lease read does not, so it pays only when the leader's CPU is the limit and
     * the followers have CPUs of their own. With three stores on one 2-core machine it cut a
     * hot-key workload's reads from 11,429-27,136 to 2,050-2,880 per second (bench/RESULTS.md).
     */
    public RingcacheClientBuilder hotKeyFollowerReads(boolean on) {
        this.hotKeyReads = on;
        return this;
    }

    /**
     * Turns on the near cache: up to {@code maxEntries} hot keys and {@code maxBytes} bytes kept in
     * this process, coherent through the stores' invalidation streams, served to reads made with
     * {@link ReadOptions#stale(Duration)}. A hit is never older than {@code staleness} (nor than
     * the read's own bound); linearizable and follower reads never use it. Replaces the hot-key
     * near cache (it holds hot keys too).
     */
    public RingcacheClientBuilder nearCache(int maxEntries, long maxBytes, Duration staleness) {
        this.nearCache = new NearCacheSettings(maxEntries, maxBytes, staleness, false);
        return this;
    }

    /**
     * Bounds the hot-key near cache, on by default with {@value #HOT_NEAR_ENTRIES} entries, 16 MiB
     * and 5 s: reads made with {@link ReadOptions#stale(Duration)} of keys a store's reply marked
     * hot are kept in this process, coherent through the stores' invalidation streams as the full
     * near cache is, so a key that takes a large share of the reads is mostly answered here. A hit
     * is never older than {@code staleness} nor than the read's own bound; linearizable and
     * follower reads never use it. Keys that are not hot cost nothing: no entry, no stream.
     */
    public RingcacheClientBuilder hotKeyNearCache(int maxEntries, long maxBytes, Duration staleness) {
        this.hotKeyNearCache = new NearCacheSettings(maxEntries, maxBytes, staleness, true);
        return this;
    }

    /** Turns the hot-key near cache off (or back on with the default bounds). */
    public RingcacheClientBuilder hotKeyNearCache(boolean on) {
        this.hotKeyNearCache = on ? new NearCacheSettings(HOT_NEAR_ENTRIES, HOT_NEAR_BYTES, HOT_NEAR_STALENESS, true) : null;
        return this;
    }

    /**
     * Signs every call in as {@code user} with {@code password} (clusters with auth on). The
     * password travels with each call (gRPC metadata, HTTP Basic's form), so use it over TLS.
     */
    public RingcacheClientBuilder credentials(String user, String password) {
        if (user == null || user.isEmpty() || user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a user name is not empty and has no ':'");
        }
        if (password == null) {
            throw new IllegalArgumentException("a password is needed; for a token use token(...)");
        }
        this.authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return this;
    }

    /** Signs every call in with a bearer token (from {@code ringctl user token USER}). */
    public RingcacheClientBuilder token(String token) {
        if (token == null || token.isBlank() || token.strip().contains(" ")) {
            throw new IllegalArgumentException("a token is one word, as ringctl printed it");
        }
        this.authorization = "Bearer " + token.strip();
        return this;
    }

    /**
     * TLS to every store and placement driver member, checking that their certificates chain to
     * {@code caBundle} (PEM) and name the address dialled. The file is read again every 30 s, so a
     * rotated CA takes effect without a new client. Null turns TLS off (plaintext, the default).
     */
    public RingcacheClientBuilder tls(java.nio.file.Path caBundle) {
        if (caBundle == null) {
            this.tlsCa = null; // plaintext, the default
            return this;
        }
        return tls(caBundle, null, null);
    }

    /**
     * TLS as {@link #tls(java.nio.file.Path)}, presenting {@code certificate} (PEM chain) with its
     * {@code key} (PEM, PKCS#8) to clusters that require client certificates; both files are read
     * again every 30 s (cert-manager rotation).
     */
    public RingcacheClientBuilder tls(java.nio.file.Path caBundle, java.nio.file.Path certificate, java.nio.file.Path key) {
        if (caBundle == null) {
            throw new IllegalArgumentException("TLS needs the cluster's CA bundle");
        }
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
        this.tlsCa = caBundle;
        this.tlsCert = certificate;
        this.tlsKey = key;
        return this;
    }

    /**
     * Connects: fetches the partition map from a placement driver member.
     *
     * @throws RingcacheException.Unavailable when no member answers within the connect timeout
     */
    public RingcacheClient build() {
        if (placementDrivers.isEmpty()) {
            throw new IllegalArgumentException("name at least one placement driver address");
        }
        io.ringcache.transport.TransportTls tls = tlsCa == null ? null : io.ringcache.transport.TransportTls.load(
                tlsCert, tlsKey, tlsCa, io.ringcache.transport.TransportTls.ClientAuth.OPTIONAL,
                io.ringcache.transport.TransportTls.DEFAULT_RELOAD);
        try {
            return GrpcRingcacheClient.connect(List.copyOf(placementDrivers), requestTimeout, attemptTimeout, connectTimeout, meters,
                    clientId, coalescing, nearCache != null ? nearCache : hotKeyNearCache, hotKeyReads, tls, authorization);
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.close(); // idempotent: a client that was built and closed has closed it already
            }
            throw e;
        }
    }
}
