package io.ringcache.placement.app;

import io.ringcache.placement.core.SplitTriggers;

import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.core.SchedulingConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The placement driver's command line, in the store node's style: single-dash snake-case flags,
 * GNU-style aliases, and an environment variable {@code RINGCACHE_PD_<NAME>} for each.
 */
@Command(name = "ringcache-pd", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        version = "ringcache-pd 0.1.0",
        description = {"Runs a ringcache placement driver member: owns the partition map, tracks stores, repairs and "
                + "balances shard replicas. Three members (-peers) replicate it with Raft; one is enough for development."},
        footer = {"", "Example (three members on one machine):",
                "  ringcache-pd -id pd1 -grpc_addr :9091 -raft_addr :7001 -data_dir pd1 \\",
                "     -peers pd1=127.0.0.1:7001/127.0.0.1:9091,pd2=127.0.0.1:7002/127.0.0.1:9092,pd3=127.0.0.1:7003/127.0.0.1:9093",
                "Stores then start with: ringcache-store ... -pd 127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093"})
public final class PdOptions {

    @Option(names = {"-id", "--id"}, defaultValue = "${env:RINGCACHE_PD_ID:-pd1}",
            description = "This member's id, stable across restarts (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_ID).")
    String id;

    @Option(names = {"-grpc_addr", "--grpc-addr"}, defaultValue = "${env:RINGCACHE_PD_GRPC_ADDR:-:9090}",
            description = "Address of the gRPC API for stores, clients and ringctl (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_GRPC_ADDR).")
    String grpcAddr;

    @Option(names = {"-raft_addr", "--raft-addr"}, defaultValue = "${env:RINGCACHE_PD_RAFT_ADDR:-:7000}",
            description = "Address of the PD's own Raft transport (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_RAFT_ADDR).")
    String raftAddr;

    @Option(names = {"-http_addr", "--http-addr"}, defaultValue = "${env:RINGCACHE_PD_HTTP_ADDR:-:9190}",
            description = "Address of /health and /ready (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_HTTP_ADDR).")
    String httpAddr;

    @Option(names = {"-advertise", "--advertise"}, defaultValue = "${env:RINGCACHE_PD_ADVERTISE:-}",
            description = "Host others use to reach this member when -peers is not given; defaults to the -grpc_addr "
                    + "host, or 127.0.0.1 when that binds every interface (env RINGCACHE_PD_ADVERTISE).")
    String advertise;

    @Option(names = {"-peers", "--peers"}, defaultValue = "${env:RINGCACHE_PD_PEERS:-}",
            description = "Every member as ID=RAFT_HOST:PORT/GRPC_HOST:PORT, comma-separated, this one included; "
                    + "empty for a single member (env RINGCACHE_PD_PEERS).")
    String peers;

    @Option(names = {"-data_dir", "--data-dir"}, defaultValue = "${env:RINGCACHE_PD_DATA_DIR:-pd_data}",
            description = "Directory for the PD's Raft log and snapshots (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_DATA_DIR).")
    Path dataDir;

    @Option(names = {"-shards", "--shards"}, defaultValue = "${env:RINGCACHE_PD_SHARDS:-0}",
            description = "Shards created when the first store registers; 0 means two per core of this machine, at "
                    + "least 4 (env RINGCACHE_PD_SHARDS).")
    int shards;

    @Option(names = {"-replicas", "--replicas"}, defaultValue = "${env:RINGCACHE_PD_REPLICAS:-3}",
            description = "Voting replicas per shard (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_REPLICAS).")
    int replicas;

    @Option(names = {"-down_after", "--down-after"}, defaultValue = "${env:RINGCACHE_PD_DOWN_AFTER:-5s}",
            description = "A store silent this long is marked down (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_DOWN_AFTER).")
    String downAfter;

    @Option(names = {"-repair_after", "--repair-after"}, defaultValue = "${env:RINGCACHE_PD_REPAIR_AFTER:-30s}",
            description = "A store down this long has its replicas rebuilt on other stores (default: ${DEFAULT-VALUE}; "
                    + "env RINGCACHE_PD_REPAIR_AFTER).")
    String repairAfter;

    @Option(names = {"-max_moves", "--max-moves"}, defaultValue = "${env:RINGCACHE_PD_MAX_MOVES:-3}",
            description = "Replica moves running at once, cluster-wide (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_MAX_MOVES).")
    int maxMoves;

    @Option(names = {"-auto_balance", "--auto-balance"}, arity = "0..1", fallbackValue = "true",
            defaultValue = "${env:RINGCACHE_PD_AUTO_BALANCE:-true}",
            description = "Balance replicas, leaders and hot shards continuously; when false only repair runs by "
                    + "itself and balancing waits for `ringctl rebalance` (env RINGCACHE_PD_AUTO_BALANCE).")
    boolean autoBalance;

    @Option(names = {"-split_size", "--split-size"}, defaultValue = "${env:RINGCACHE_PD_SPLIT_SIZE:-32MiB}",
            description = "A shard holding this much data splits by itself; 0 turns it off (default: ${DEFAULT-VALUE}, "
                    + "half of a store's default budget per shard; units B, KiB, MiB, GiB; env RINGCACHE_PD_SPLIT_SIZE).")
    String splitSize;

    @Option(names = {"-split_load", "--split-load"}, defaultValue = "${env:RINGCACHE_PD_SPLIT_LOAD:-10000}",
            description = "A shard serving at least this many ops/s for -split_load_for splits by itself; 0 turns it "
                    + "off (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_SPLIT_LOAD).")
    double splitLoad;

    @Option(names = {"-split_load_for", "--split-load-for"}, defaultValue = "${env:RINGCACHE_PD_SPLIT_LOAD_FOR:-60s}",
            description = "How long a shard must stay that hot (default: ${DEFAULT-VALUE}; env RINGCACHE_PD_SPLIT_LOAD_FOR).")
    String splitLoadFor;

    @Option(names = {"-max_shards", "--max-shards"}, defaultValue = "${env:RINGCACHE_PD_MAX_SHARDS:-1024}",
            description = "Shards never split by themselves past this many (`ringctl split` still can) "
                    + "(default: ${DEFAULT-VALUE}; env RINGCACHE_PD_MAX_SHARDS).")
    int maxShards;

    @picocli.CommandLine.Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = {"-election_timeout", "--election-timeout"}, defaultValue = "${env:RINGCACHE_PD_ELECTION_TIMEOUT:-1500ms}",
            description = "Minimum Raft election timeout of the PD group; the maximum is twice it "
                    + "(default: ${DEFAULT-VALUE}; env RINGCACHE_PD_ELECTION_TIMEOUT).")
    String electionTimeout;

    /** Checks the flags and builds the members; IllegalArgumentException names the problem. */
    List<PdMember> members() {
        if (peers.isBlank()) {
            String host = advertiseHost();
            return List.of(new PdMember(id, host + ":" + port(raftAddr), host + ":" + port(grpcAddr)));
        }
        List<PdMember> members = PdMember.parseList(peers);
        if (members.stream().noneMatch(m -> m.id().equals(id))) {
            throw new IllegalArgumentException("-peers does not list this member's -id " + id);
        }
        return members;
    }

    SchedulingConfig scheduling() {
        long down = Durations.millis(downAfter, "-down_after");
        long repair = Durations.millis(repairAfter, "-repair_after");
        if (replicas < 1 || replicas > 7) {
            throw new IllegalArgumentException("-replicas must be between 1 and 7");
        }
        if (shards < 0 || shards > 4096) {
            throw new IllegalArgumentException("-shards must be between 1 and 4096 (0 picks two per core)");
        }
        if (maxMoves < 1) {
            throw new IllegalArgumentException("-max_moves must be at least 1");
        }
        int initial = shards > 0 ? shards : Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        SchedulingConfig d = SchedulingConfig.defaults(initial);
        if (splitLoad < 0 || maxShards < 0) {
            throw new IllegalArgumentException("-split_load and -max_shards must not be negative");
        }
        SplitTriggers triggers = new SplitTriggers(io.ringcache.placement.api.ByteSizes.bytes(splitSize, "-split_size"), splitLoad,
                Durations.millis(splitLoadFor, "-split_load_for"), maxShards);
        return d.withReplicas(replicas).withRepairAfter(down, repair).withAutoBalance(autoBalance)
                .withConcurrency(maxMoves, d.maxConcurrentTransfers()).withSplits(triggers);
    }

    long electionMillis() {
        long ms = Durations.millis(electionTimeout, "-election_timeout");
        if (ms < 200) {
            throw new IllegalArgumentException("-election_timeout must be at least 200ms");
        }
        return ms;
    }

    private String advertiseHost() {
        if (!advertise.isBlank()) {
            return advertise;
        }
        String host = host(grpcAddr);
        return host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host;
    }

    static String host(String addr) {
        int colon = addr.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("bad address '" + addr + "': expected [HOST]:PORT");
        }
        return addr.substring(0, colon);
    }

    static int port(String addr) {
        int colon = addr.lastIndexOf(':');
        try {
            int p = Integer.parseInt(addr.substring(colon + 1));
            if (colon < 0 || p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad address '" + addr + "': expected [HOST]:PORT");
        }
    }
}
