package io.ringcache.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.RequestHeader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * A load generator for a running cluster's gRPC KV API: many requests in flight, each sent to
 * its shard's leader as the partition map names it (with {@code forward} set, so a stale route
 * still lands), latencies in an HdrHistogram. Puts (16-byte keys, 100-byte values by default)
 * or linearizable gets over a prefilled key set.
 *
 * <p>Usage: {@code KvLoad http=127.0.0.1:8081 op=put|get inflight=256 seconds=20 warmup=5 keys=100000 value=100 connections=4}
 */
public final class KvLoad {

    private static int connections = 4;
    /** Puts per request: above 1, keys of one shard go in one BatchPut (ops/s counts keys). */
    private static int batch = 1;

    private static final Pattern PD = Pattern.compile("\"placement_driver\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("http", "127.0.0.1:8081", "op", "put", "inflight", "256",
                "seconds", "20", "warmup", "5", "keys", "100000", "value", "100", "connections", "4", "batch", "1"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !a.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: " + a.keySet());
            }
            a.put(kv[0], kv[1]);
        }
        String cluster = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + a.get("http") + "/v1/cluster")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = PD.matcher(cluster);
        if (!m.find()) {
            throw new IllegalStateException("no placement driver in /v1/cluster: " + cluster);
        }
        Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
        ManagedChannel pd = ManagedChannelBuilder.forTarget(m.group(1)).usePlaintext().build();
        PartitionMap map = PartitionMapProtos.fromProto(PlacementDriverGrpc.newBlockingStub(pd)
                .getPartitionMap(GetPartitionMapRequest.getDefaultInstance()).getMap());
        pd.shutdownNow();

        int keys = Integer.parseInt(a.get("keys"));
        byte[] value = new byte[Integer.parseInt(a.get("value"))];
        int inflight = Integer.parseInt(a.get("inflight"));
        boolean put = a.get("op").equals("put");
        connections = Integer.parseInt(a.get("connections"));
        batch = Integer.parseInt(a.get("batch"));
        RequestHeader header = RequestHeader.newBuilder().setEpoch(map.epoch()).setForward(true).build();

        if (!put) {
            System.out.printf("prefilling %,d keys%n", keys);
            run(map, channels, header, true, value, keys, inflight, 0, keys, null);
        }
        Recorder recorder = new Recorder(3);
        long warmup = TimeUnit.SECONDS.toNanos(Long.parseLong(a.get("warmup")));
        long measure = TimeUnit.SECONDS.toNanos(Long.parseLong(a.get("seconds")));
        run(map, channels, header, put, value, keys, inflight, warmup, -1, null);
        long start = System.nanoTime();
        long[] counts = run(map, channels, header, put, value, keys, inflight, measure, -1, recorder);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        System.out.printf("%s: %,.0f ops/s over %.1f s, %d in flight, %d errors; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                a.get("op"), counts[0] / seconds, seconds, inflight, counts[1],
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
        channels.values().forEach(ManagedChannel::shutdownNow);
    }

    /** Runs for {@code nanos} (or exactly {@code total} sequential keys when total >= 0); returns {ok, errors}. */
    private static long[] run(PartitionMap map, Map<String, ManagedChannel> channels, RequestHeader header, boolean put,
                              byte[] value, int keys, int inflight, long nanos, int total, Recorder recorder)
            throws InterruptedException {
        Semaphore slots = new Semaphore(inflight);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + nanos;
        for (long i = 0; total >= 0 ? i < total : System.nanoTime() < end; i++) {
            slots.acquire();
            int k = total >= 0 ? (int) i : ThreadLocalRandom.current().nextInt(keys);
            byte[] key = String.format("key-%012d", k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int shard = map.ring().shardForKey(key);
            String leader = map.shard(shard).orElseThrow().leader();
            String address = map.store(leader.isEmpty() ? map.stores().firstKey() : leader).orElseThrow().grpcAddress();
            // Several connections per store: one HTTP/2 connection is served by one event-loop thread.
            KvGrpc.KvFutureStub stub = KvGrpc.newFutureStub(channels.computeIfAbsent(address + "#" + (i % connections),
                    ad -> ManagedChannelBuilder.forTarget(address).usePlaintext().build())).withDeadlineAfter(30, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            ListenableFuture<? extends com.google.protobuf.Message> f;
            if (batch > 1 && put) {
                // batch keys of the same shard in one BatchPut: one request, one command
                io.ringcache.proto.v1.BatchPutRequest.Builder b = io.ringcache.proto.v1.BatchPutRequest.newBuilder().setHeader(header);
                for (int j = 0, n = 0; n < batch; j++) {
                    byte[] other = String.format("key-%012d", (k + j * 7919L) % keys).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    if (map.ring().shardForKey(other) == shard) {
                        b.addEntries(io.ringcache.proto.v1.KeyValueWrite.newBuilder().setKey(ByteString.copyFrom(other))
                                .setValue(ByteString.copyFrom(value)));
                        n++;
                    }
                }
                f = stub.batchPut(b.build());
            } else if (put) {
                f = stub.put(PutRequest.newBuilder().setHeader(header).setKey(ByteString.copyFrom(key))
                        .setValue(ByteString.copyFrom(value)).build());
            } else {
                f = stub.get(GetRequest.newBuilder().setHeader(header).setKey(ByteString.copyFrom(key)).build());
            }
            Futures.addCallback(f, new FutureCallback<com.google.protobuf.Message>() {
                @Override
                public void onSuccess(com.google.protobuf.Message r) {
                    boolean failed = r instanceof PutResponse p ? p.hasError()
                            : r instanceof GetResponse g ? g.hasError()
                            : ((io.ringcache.proto.v1.BatchPutResponse) r).getResultsList().stream().anyMatch(PutResponse::hasError);
                    (failed ? errors : ok).addAndGet(failed ? 1 : (batch > 1 && put ? batch : 1));
                    if (recorder != null && !failed) {
                        recorder.recordValue(System.nanoTime() - t0);
                    }
                    slots.release();
                }

                @Override
                public void onFailure(Throwable t) {
                    errors.incrementAndGet();
                    slots.release();
                }
            }, MoreExecutors.directExecutor());
        }
        slots.acquire(inflight);
        return new long[] {ok.get(), errors.get()};
    }
}
