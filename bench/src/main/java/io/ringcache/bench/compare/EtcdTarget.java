package io.ringcache.bench.compare;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * etcd v3 through jetcd, one client (one gRPC channel with a connection to each member, requests
 * spread over them by jetcd's default round-robin policy; a member that is not the leader forwards
 * writes and confirms linearizable reads with the leader, as for any etcd client). Reads are Range requests with jetcd's default options, that is
 * {@code serializable=false}: linearizable, confirmed through the leader (ReadIndex). A batch is
 * one Txn with no condition whose Then holds 16 Range ops (a read-only Txn, linearizable too) or
 * 16 Put ops (one Raft entry, atomic) - the closest etcd has to getAll/putAll, and like
 * ringcache's per-shard putAll it commits the whole batch with one log entry.
 *
 * <p>Every future is bounded by {@code timeout} here, because jetcd's own calls have no deadline.
 */
public final class EtcdTarget implements ComparedStore {

    private final Client client;
    private final KV kv;
    private final long timeoutNanos;
    private final LongAdder misses = new LongAdder();

    private EtcdTarget(Client client, Duration timeout) {
        this.client = client;
        this.kv = client.getKVClient();
        this.timeoutNanos = timeout.toNanos();
    }

    /** Connects to the members at {@code endpoints} (http://host:port, comma-separated). */
    public static EtcdTarget connect(String endpoints, Duration timeout) {
        return new EtcdTarget(Client.builder().endpoints(endpoints.split(",")).build(), timeout);
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public CompletableFuture<?> read(byte[] key) {
        return bounded(kv.get(ByteSequence.from(key)).thenAccept(this::countMiss));
    }

    @Override
    public CompletableFuture<?> update(byte[] key, byte[] value) {
        return bounded(kv.put(ByteSequence.from(key), ByteSequence.from(value)));
    }

    @Override
    public CompletableFuture<?> readAll(List<byte[]> keys) {
        Op[] ops = new Op[keys.size()];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Op.get(ByteSequence.from(keys.get(i)), GetOption.DEFAULT);
        }
        return bounded(kv.txn().Then(ops).commit().thenAccept(r -> r.getGetResponses().forEach(this::countMiss)));
    }

    @Override
    public CompletableFuture<?> updateAll(List<byte[]> keys, byte[] value) {
        ByteSequence v = ByteSequence.from(value);
        Op[] ops = new Op[keys.size()];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Op.put(ByteSequence.from(keys.get(i)), v, PutOption.DEFAULT);
        }
        return bounded(kv.txn().Then(ops).commit());
    }

    /** etcd's default --max-txn-ops. */
    @Override
    public int maxBatch() {
        return 128;
    }

    private void countMiss(GetResponse r) {
        if (r.getKvs().isEmpty()) {
            misses.increment();
        }
    }

    private <T> CompletableFuture<T> bounded(CompletableFuture<T> f) {
        return f.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public long misses() {
        return misses.sum();
    }

    @Override
    public void close() {
        client.close();
    }
}
