package io.ringcache.node.app;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The store node's command line. The Go prototype's flags are accepted verbatim (single dash,
 * snake case), with GNU-style aliases; every flag can also come from an environment variable
 * {@code RINGCACHE_<NAME>} (command-line flags win).
 */
@Command(name = "ringcache-store", mixinStandardHelpOptions = true, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Runs a ringcache store node: many shard Raft groups in one process, served over gRPC and HTTP.",
                "Start a cluster with -bootstrap; add nodes with -join HTTP_ADDR_OF_ANY_MEMBER."},
        footer = {"", "Example (the seed's three-node walk-through):",
                "  ringcache-store -node_id node1 -http_addr :8081 -raft_addr :11001 -raft_dir raft_node1 -bootstrap",
                "  ringcache-store -node_id node2 -http_addr :8082 -raft_addr :11002 -raft_dir raft_node2 -join localhost:8081"})
public final class NodeOptions {

    @Option(names = {"-node_id", "--node-id"}, defaultValue = "${env:RINGCACHE_NODE_ID:-node1}",
            description = "Unique, stable id of this store (default: ${DEFAULT-VALUE}; env RINGCACHE_NODE_ID).")
    String nodeId;

    @Option(names = {"-http_addr", "--http-addr"}, defaultValue = "${env:RINGCACHE_HTTP_ADDR:-:8080}",
            description = "Address of the HTTP API, metrics and profiling (default: ${DEFAULT-VALUE}; env RINGCACHE_HTTP_ADDR).")
    String httpAddr;

    @Option(names = {"-raft_addr", "--raft-addr"}, defaultValue = "${env:RINGCACHE_RAFT_ADDR:-:11000}",
            description = "Address of the Raft transport (default: ${DEFAULT-VALUE}; env RINGCACHE_RAFT_ADDR).")
    String raftAddr;

    @Option(names = {"-raft_advertise", "--raft-advertise"}, defaultValue = "${env:RINGCACHE_RAFT_ADVERTISE:-}",
            description = "Host (or host:port) other nodes use to reach this one; defaults to the -raft_addr host, "
                    + "or 127.0.0.1 when that binds every interface (env RINGCACHE_RAFT_ADVERTISE).")
    String raftAdvertise;

    @Option(names = {"-raft_dir", "--raft-dir"}, defaultValue = "${env:RINGCACHE_RAFT_DIR:-raft_data}",
            description = "Directory for Raft logs, snapshots and placement state (default: ${DEFAULT-VALUE}; env RINGCACHE_RAFT_DIR).")
    Path raftDir;

    @Option(names = {"-bootstrap", "--bootstrap"}, arity = "0..1", fallbackValue = "true",
            defaultValue = "${env:RINGCACHE_BOOTSTRAP:-false}",
            description = "Start a new cluster: run the placement driver here and create the shards (env RINGCACHE_BOOTSTRAP).")
    boolean bootstrap;

    @Option(names = {"-join", "--join"}, defaultValue = "${env:RINGCACHE_JOIN:-}",
            description = "HTTP address (host:port) of any member to join through (env RINGCACHE_JOIN).")
    String join;

    @Option(names = {"-grpc_addr", "--grpc-addr"}, defaultValue = "${env:RINGCACHE_GRPC_ADDR:-:0}",
            description = "Address of the gRPC KV service; port 0 picks a free port, advertised through placement "
                    + "(default: ${DEFAULT-VALUE}; env RINGCACHE_GRPC_ADDR).")
    String grpcAddr;

    @Option(names = {"-redis_addr", "--redis-addr"}, defaultValue = "${env:RINGCACHE_REDIS_ADDR:-}",
            description = "Address of the Redis protocol (RESP2/RESP3), e.g. :6379; off when empty "
                    + "(env RINGCACHE_REDIS_ADDR).")
    String redisAddr;

    @Option(names = {"-pd", "--pd"}, defaultValue = "${env:RINGCACHE_PD:-}",
            description = "gRPC address(es) of the placement driver members, comma-separated, instead of -join "
                    + "(env RINGCACHE_PD).")
    String pd;

    @Option(names = {"-labels", "--labels"}, defaultValue = "${env:RINGCACHE_LABELS:-}",
            description = "Topology labels as key=value pairs, comma-separated, e.g. zone=us-east-1a,host=rack7; "
                    + "placement keeps a shard's replicas in different zones when it can (env RINGCACHE_LABELS).")
    String labels;

    /** The -labels flag as a map. */
    java.util.Map<String, String> labelMap() {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String pair : labels.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 1 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("-labels wants key=value pairs, not '" + pair.trim() + "'");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    @Option(names = {"-shards", "--shards"}, defaultValue = "${env:RINGCACHE_SHARDS:-0}",
            description = "Shards a -bootstrap node creates; 0 (the default) means two per core, at least 4: "
                    + "every shard is a Raft group whose per-entry cost is paid on every store (env RINGCACHE_SHARDS).")
    int shards;

    /** The shard count a bootstrap creates: the flag, or two per core (at least 4) when it is 0. */
    int shardCount() {
        return shards > 0 ? shards : Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    @Option(names = {"-shard_memory_mb", "--shard-memory-mb"}, defaultValue = "${env:RINGCACHE_SHARD_MEMORY_MB:-64}",
            description = "Memory budget per shard replica in MiB (default: ${DEFAULT-VALUE}; env RINGCACHE_SHARD_MEMORY_MB).")
    long shardMemoryMb;

    @Option(names = {"-maxmemory", "--maxmemory", "-memory", "--memory"},
            defaultValue = "${env:RINGCACHE_MAXMEMORY:-${env:RINGCACHE_MEMORY:-25%}}",
            description = "Memory for all this store's data (Redis' maxmemory): a size (8GiB) or a percentage of the "
                    + "container's memory limit, or of the machine's RAM outside a container (default: ${DEFAULT-VALUE}, "
                    + "so three stores fit on one machine; a store alone in a container can take 60%%). Each shard "
                    + "replica takes -shard_memory_mb of it; placement and splits never give the store more replicas "
                    + "than fit, and a replica that fills evicts by -maxmemory_policy "
                    + "(env RINGCACHE_MAXMEMORY; -memory and RINGCACHE_MEMORY are older names).")
    String memory;

    @Option(names = {"-maxmemory_policy", "--maxmemory-policy"},
            defaultValue = "${env:RINGCACHE_MAXMEMORY_POLICY:-allkeys-lru}",
            description = "What a full shard does, with Redis' names: noeviction (refuse the write), allkeys-lru, "
                    + "allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl "
                    + "(default: ${DEFAULT-VALUE}, a cache's usual choice; env RINGCACHE_MAXMEMORY_POLICY).")
    String maxmemoryPolicy;

    /** The -maxmemory_policy flag. */
    io.ringcache.shard.core.EvictionPolicy evictionPolicy() {
        try {
            return io.ringcache.shard.core.EvictionPolicy.parse(maxmemoryPolicy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-maxmemory_policy: " + e.getMessage());
        }
    }

    /** The -memory flag against {@code machineBytes}, with the per-replica budget. */
    io.ringcache.node.core.StoreMemory storeMemory(long machineBytes) {
        long budget = io.ringcache.node.core.StoreMemory.parse(memory, machineBytes,
                text -> io.ringcache.placement.api.ByteSizes.bytes(text, "-maxmemory"));
        return new io.ringcache.node.core.StoreMemory(budget, shardMemoryMb << 20);
    }

    @Option(names = {"-max_value_bytes", "--max-value-bytes"}, defaultValue = "${env:RINGCACHE_MAX_VALUE_BYTES:-1048576}",
            description = "Largest value accepted (default: ${DEFAULT-VALUE}; env RINGCACHE_MAX_VALUE_BYTES).")
    int maxValueBytes;

    @Option(names = {"-leader_lease", "--leader-lease"}, arity = "0..1", fallbackValue = "true",
            defaultValue = "${env:RINGCACHE_LEADER_LEASE:-true}",
            description = "Serve linearizable reads on a shard leader from its own state while its lease holds "
                    + "(for 90%% of -election_timeout from the last committed read barrier), with no round trip per read "
                    + "(default: ${DEFAULT-VALUE}; -leader_lease=false commits a read barrier, an empty entry, before "
                    + "every read round: about a quarter of the read throughput). The lease measures with the monotonic "
                    + "clock and assumes nodes' clocks run at rates within 10%% of each other; wall-clock jumps do not "
                    + "affect it (env RINGCACHE_LEADER_LEASE).")
    boolean leaderLease;

    @Option(names = {"-election_timeout", "--election-timeout"}, defaultValue = "${env:RINGCACHE_ELECTION_TIMEOUT:-1s}",
            description = "The shortest Raft election timeout of the shard groups this store hosts; each wait is "
                    + "drawn from 1-2 times it. A new leader is elected 1-4 timeouts after a leader's node fails. Shorter "
                    + "fails over sooner; longer sends fewer idle heartbeats (one per group and follower every half "
                    + "timeout) and holds fewer false elections on overloaded machines. Give every store the same value: "
                    + "the leaders' read leases assume it (default: ${DEFAULT-VALUE}, 100ms to 60s; "
                    + "env RINGCACHE_ELECTION_TIMEOUT).")
    String electionTimeout;

    /** -election_timeout as a duration. */
    java.time.Duration electionTimeout() {
        long ms = io.ringcache.placement.app.Durations.millis(electionTimeout, "-election_timeout");
        if (ms < 100 || ms > 60_000) {
            throw new IllegalArgumentException("-election_timeout must be between 100ms and 60s, not '" + electionTimeout + "'");
        }
        return java.time.Duration.ofMillis(ms);
    }

    @picocli.CommandLine.Mixin
    io.ringcache.placement.app.TlsOptions tls = new io.ringcache.placement.app.TlsOptions();

    /** The -pd list, each entry checked as HOST:PORT. */
    static java.util.List<String> pdList(String flag) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String a : flag.split(",")) {
            if (!a.isBlank()) {
                io.ringcache.node.core.HostPort.parse(a.trim());
                out.add(a.trim());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-pd names no address");
        }
        return out;
    }

    /** Cross-flag checks picocli cannot express; IllegalArgumentException names the problem. */
    void validate() {
        if (nodeId == null || !nodeId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("-node_id must be 1-63 letters, digits, '.', '_' or '-', not '" + nodeId + "'");
        }
        if (bootstrap && !join.isEmpty()) {
            throw new IllegalArgumentException("-bootstrap starts a new cluster and -join joins one: give only one");
        }
        if (shards < 0 || shards > 4096) {
            throw new IllegalArgumentException("-shards must be between 1 and 4096 (0 picks two per core)");
        }
        if (shardMemoryMb < 1) {
            throw new IllegalArgumentException("-shard_memory_mb must be at least 1");
        }
        storeMemory(io.ringcache.node.adapter.os.MachineMemory.totalBytes());
        evictionPolicy();
        if (maxValueBytes < 1 || maxValueBytes > (1 << 20)) {
            throw new IllegalArgumentException("-max_value_bytes must be between 1 and 1048576");
        }
        labelMap();
        electionTimeout();
        tls.validate(true);
        io.ringcache.node.core.HostPort.parse(httpAddr);
        io.ringcache.node.core.HostPort.parse(raftAddr);
        io.ringcache.node.core.HostPort.parse(grpcAddr);
        if (!join.isEmpty()) {
            io.ringcache.node.core.HostPort.parse(join);
        }
        if (!pd.isEmpty()) {
            if (bootstrap) {
                throw new IllegalArgumentException("-bootstrap runs its own placement driver; -pd names an external one: give only one");
            }
            pdList(pd);
        }
    }
}
