package io.ringcache.client.adapter.grpc;

import io.ringcache.client.CasResult;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.Versioned;
import io.ringcache.client.core.GetOrLoad;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** {@link GetOrLoad}'s operations on a client: linearizable reads, putIfAbsent, the wall clock, a thread-local random. */
final class ClientGetOrLoad {

    private ClientGetOrLoad() {
    }

    static GetOrLoad of(RingcacheClient client) {
        return new GetOrLoad(new GetOrLoad.Operations() {
            @Override
            public CompletableFuture<Optional<Versioned>> read(byte[] key) {
                return client.getAsync(key, ReadOptions.linearizable());
            }

            @Override
            public CompletableFuture<CasResult> putIfAbsent(byte[] key, byte[] value, Duration ttl) {
                return client.putIfAbsentAsync(key, value, ttl);
            }

            @Override
            public long nowMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public double random() {
                return ThreadLocalRandom.current().nextDouble();
            }
        });
    }
}
