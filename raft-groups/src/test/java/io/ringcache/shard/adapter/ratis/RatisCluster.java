package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Three (or more) {@link ShardGroupHost}s on loopback in one JVM, each with its own storage dir
 * under a temporary folder, hosting the same shards. Calls go to whichever host leads the
 * shard, retried until a deadline, the way a routing client would. Closing stops every server
 * and deletes the folder.
 */
final class RatisCluster implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Path root;
    private final UnaryOperator<RatisTuning> tune;
    private final ShardLimits limits;
    private final ShardGroupHost[] hosts;
    private final int[] ports;
    final List<ShardGroupHost.Replica> replicas = new ArrayList<>();

    RatisCluster(int size, UnaryOperator<RatisTuning> tune, ShardLimits limits) throws IOException {
        this.root = Files.createTempDirectory("ratis-cluster");
        this.tune = tune;
        this.limits = limits;
        this.hosts = new ShardGroupHost[size];
        this.ports = new int[size];
        for (int i = 0; i < size; i++) {
            hosts[i] = newHost(i, 0).start();
            ports[i] = hosts[i].raftPort();
            replicas.add(new ShardGroupHost.Replica(hosts[i].peerId(), "127.0.0.1:" + ports[i]));
        }
    }

    RatisCluster(int size) throws IOException {
        this(size, t -> t, ShardLimits.withBudget(64L << 20));
    }

    private ShardGroupHost newHost(int i, int port) {
        RatisTuning tuning = tune.apply(RatisTuning.defaults(root.resolve("s" + i).toFile()).withPort(port));
        return new ShardGroupHost("s" + i, tuning, shard -> new HeapShardStore(), limits, System::currentTimeMillis);
    }

    void addShards(int count) throws IOException {
        for (int shard = 0; shard < count; shard++) {
            for (ShardGroupHost h : hosts) {
                if (h != null) {
                    h.addShard(shard, replicas);
                }
            }
        }
    }

    /** Host {@code i}'s Ratis storage folder (one folder per group under it). */
    Path storage(int i) {
        return root.resolve("s" + i);
    }

    ShardGroupHost host(int i) {
        return hosts[i];
    }

    int size() {
        return hosts.length;
    }

    void stop(int i) throws IOException {
        hosts[i].close();
        hosts[i] = null;
    }

    void restart(int i) throws IOException {
        hosts[i] = newHost(i, ports[i]).start();
    }

    /** The index of the host that leads {@code shard} and is ready, waiting for one. */
    int leaderOf(int shard) {
        int[] found = {-1};
        awaitTrue("a ready leader for shard " + shard, () -> {
            for (int i = 0; i < hosts.length; i++) {
                if (hosts[i] != null && hosts[i].isReadyLeader(shard)) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Submits to the shard's leader, retrying NOT_LEADER/UNAVAILABLE until the deadline. */
    List<CommandResult> write(int shard, List<Command> commands) {
        return retry(shard, () -> hosts[leaderOf(shard)].submit(shard, commands).get(10, TimeUnit.SECONDS));
    }

    /** A linearizable read through the shard's leader. */
    ResultCodec.Answer read(int shard, byte[] query) {
        return retry(shard, () -> hosts[leaderOf(shard)].query(shard, query, false).get(10, TimeUnit.SECONDS));
    }

    interface Call<T> {
        T call() throws Exception;
    }

    private <T> T retry(int shard, Call<T> call) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                return call.call();
            } catch (ExecutionException | TimeoutException | NullPointerException e) {
                Throwable cause = e.getCause() instanceof ShardCallException s ? s : e;
                if (cause instanceof ShardCallException s && s.reason() == ShardCallException.Reason.INVALID_ARGUMENT) {
                    throw new AssertionError(s);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("shard " + shard + " did not answer in " + DEADLINE, e);
                }
                pause();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        Poll.until(what, condition);
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws IOException {
        for (int i = 0; i < hosts.length; i++) {
            if (hosts[i] != null) {
                hosts[i].close();
                hosts[i] = null;
            }
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
