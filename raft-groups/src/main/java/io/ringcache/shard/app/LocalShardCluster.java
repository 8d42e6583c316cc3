package io.ringcache.shard.app;

import io.ringcache.routing.HashRing;
import io.ringcache.routing.TokenPlanner;
import io.ringcache.shard.adapter.ratis.RatisTuning;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.StoredValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * A local Multi-Raft cluster in one process, for developers: three stores on loopback hosting
 * {@code shards} shard groups of three replicas each, keys routed by the ring, and a small shell
 * on standard input (put, get, del, touch, status, stop, start). Data lives under one folder and
 * survives a restart of the command. The store node and placement driver replace this once they
 * land; the shard engine underneath is the same.
 */
public final class LocalShardCluster implements AutoCloseable {

    static final long BUDGET_PER_SHARD = 64L << 20;

    private final Path dataDir;
    private final int shards;
    private final IntFunction<ShardStore> stores;
    private final ShardGroupHost[] hosts = new ShardGroupHost[3];
    private final int[] ports;
    private final HashRing ring;
    private final List<ShardGroupHost.Replica> replicas = new ArrayList<>();

    LocalShardCluster(Path dataDir, int shards, int basePort, IntFunction<ShardStore> stores) {
        this.dataDir = dataDir;
        this.shards = shards;
        this.stores = stores;
        this.ports = new int[] {basePort, basePort + 1, basePort + 2};
        int[] ids = new int[shards];
        for (int i = 0; i < shards; i++) {
            ids[i] = i;
        }
        this.ring = TokenPlanner.initial(ids);
        for (int i = 0; i < 3; i++) {
            replicas.add(new ShardGroupHost.Replica("store" + (i + 1), "127.0.0.1:" + ports[i]));
        }
    }

    void start() throws IOException {
        for (int i = 0; i < 3; i++) {
            startStore(i);
        }
        for (int shard = 0; shard < shards; shard++) {
            for (ShardGroupHost h : hosts) {
                h.addShard(shard, replicas);
            }
        }
    }

    private void startStore(int i) throws IOException {
        RatisTuning tuning = RatisTuning.defaults(dataDir.resolve("store" + (i + 1)).toFile()).withPort(ports[i]);
        hosts[i] = new ShardGroupHost("store" + (i + 1), tuning, stores,
                ShardLimits.withBudget(BUDGET_PER_SHARD), System::currentTimeMillis).start();
    }

    String execute(String line) throws IOException {
        String[] w = line.trim().split("\\s+", 4);
        switch (w[0]) {
            case "put":
                if (w.length < 3) {
                    return "usage: put KEY VALUE [TTL_SECONDS]";
                }
                long ttl = w.length == 4 ? parseTtl(w[3]) : 0;
                return describe(write(w[1], new Command.Put(bytes(w[1]), bytes(w[2]), ttl)));
            case "get":
                if (w.length != 2) {
                    return "usage: get KEY";
                }
                StoredValue v = read(w[1]);
                return v == null ? "not found" : new String(v.value(), StandardCharsets.UTF_8)
                        + "  (version " + v.version() + (v.expiresAt() == 0 ? "" : ", expires at " + v.expiresAt()) + ")";
            case "del":
                return w.length != 2 ? "usage: del KEY" : describe(write(w[1], new Command.Delete(bytes(w[1]))));
            case "touch":
                return w.length != 3 ? "usage: touch KEY TTL_SECONDS"
                        : describe(write(w[1], new Command.Touch(bytes(w[1]), parseTtl(w[2]))));
            case "status":
                return status();
            case "stop":
                int s = store(w);
                hosts[s].close();
                hosts[s] = null;
                return "store" + (s + 1) + " stopped";
            case "start":
                int t = store(w);
                if (hosts[t] == null) {
                    startStore(t);
                }
                return "store" + (t + 1) + " started";
            case "help":
                return "put KEY VALUE [TTL_SECONDS] | get KEY | del KEY | touch KEY TTL_SECONDS | status | stop N | start N | quit";
            default:
                return "unknown command '" + w[0] + "' (try help)";
        }
    }

    private static long parseTtl(String seconds) {
        try {
            long s = Long.parseLong(seconds);
            if (s < 0) {
                throw new IllegalArgumentException("ttl must not be negative");
            }
            return TimeUnit.SECONDS.toMillis(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ttl must be whole seconds, got '" + seconds + "'");
        }
    }

    private static int store(String[] w) {
        if (w.length != 2 || !w[1].matches("[123]")) {
            throw new IllegalArgumentException("name a store: 1, 2 or 3");
        }
        return Integer.parseInt(w[1]) - 1;
    }

    private String status() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            ShardGroupHost h = hosts[i];
            if (h == null) {
                out.append("store").append(i + 1).append(": stopped\n");
                continue;
            }
            int leading = 0;
            for (int shard = 0; shard < shards; shard++) {
                if (h.role(shard) == ShardGroupHost.Role.LEADER) {
                    leading++;
                }
            }
            out.append("store").append(i + 1).append(": raft ").append(h.raftAddress())
                    .append(", ").append(h.hostedShards().size()).append(" shards, leading ").append(leading).append('\n');
        }
        return out.toString().stripTrailing();
    }

    private CommandResult write(String key, Command command) {
        int shard = ring.shardForKey(bytes(key));
        return call(shard, h -> h.submit(shard, List.of(command)).get(5, TimeUnit.SECONDS).get(0));
    }

    private StoredValue read(String key) {
        int shard = ring.shardForKey(bytes(key));
        byte[] q = CommandCodec.encode(new Query.Get(bytes(key)));
        return call(shard, h -> ((ResultCodec.Answer.Value) h.query(shard, q, false).get(5, TimeUnit.SECONDS)).value());
    }

    private interface HostCall<T> {
        T call(ShardGroupHost host) throws ExecutionException, TimeoutException, InterruptedException;
    }

    /** Sends to the shard's leader, following leader changes for up to 15 seconds. */
    private <T> T call(int shard, HostCall<T> call) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            for (ShardGroupHost h : hosts) {
                if (h != null && h.isReadyLeader(shard)) {
                    try {
                        return call.call(h);
                    } catch (ExecutionException | TimeoutException e) {
                        last = e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted");
                    }
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        throw new IllegalStateException("shard " + shard + " has no leader (a majority of its stores must run)"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    private static String describe(CommandResult r) {
        if (r instanceof CommandResult.Written w) {
            return "ok (version " + w.version() + ")";
        }
        if (r instanceof CommandResult.Deleted d) {
            return d.deleted() ? "deleted" : "not found";
        }
        if (r instanceof CommandResult.Touched t) {
            return t.found() ? "ok" : "not found";
        }
        if (r instanceof CommandResult.Rejected x) {
            return "error: " + x.error() + ": " + x.message();
        }
        return r.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        for (int i = 0; i < 3; i++) {
            if (hosts[i] != null) {
                hosts[i].close();
                hosts[i] = null;
            }
        }
    }

    /** Usage: LocalShardCluster [DATA_DIR [SHARDS [BASE_PORT]]]. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".ringcache/local").toAbsolutePath();
        int shards = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int basePort = args.length > 2 ? Integer.parseInt(args[2]) : 11001;
        PrintStream out = System.out;
        try (LocalShardCluster cluster = new LocalShardCluster(dir, shards, basePort, StoreChoice.stores(BUDGET_PER_SHARD))) {
            cluster.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    cluster.close();
                } catch (IOException e) {
                    e.printStackTrace();
                }
            }));
            out.println("ringcache local cluster: 3 stores, " + shards + " shards x 3 replicas, data in " + dir);
            out.println(cluster.status());
            out.println("type 'help' for commands, 'quit' to stop");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while (true) {
                out.print("ringcache> ");
                out.flush();
                line = in.readLine();
                if (line == null || line.trim().equals("quit") || line.trim().equals("exit")) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.println(cluster.execute(line));
                } catch (RuntimeException e) {
                    out.println("error: " + e.getMessage());
                }
            }
        }
    }
}
