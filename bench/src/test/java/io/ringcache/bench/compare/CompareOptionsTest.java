package io.ringcache.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareOptionsTest {

    @Test
    void defaultsAndOverrides() {
        CompareOptions o = CompareOptions.parse(new String[] {"ringcache=127.0.0.1:9090", "--redis=127.0.0.1:6379",
                "workloads=W, batch", "concurrency=1,256", "seconds=1.5", "rounds=2"});
        assertEquals("127.0.0.1:9090", o.ringcache());
        assertEquals("", o.etcd());
        assertEquals("127.0.0.1:6379", o.redis());
        assertEquals(List.of(CompareWorkload.W, CompareWorkload.BATCH), o.workloads());
        assertEquals(List.of(1, 256), o.concurrency());
        assertEquals(Duration.ofMillis(1500), o.measure());
        assertEquals(Duration.ofSeconds(1), o.warmup());
        assertEquals(2, o.rounds());
        assertEquals(100_000, o.records());
        assertEquals(100, o.valueBytes());
        assertEquals("zipfian", o.dist());
        assertEquals("-", o.out());
    }

    @Test
    void threadsNeverExceedConcurrencyOrCap() {
        CompareOptions o = CompareOptions.parse(new String[] {"etcd=http://127.0.0.1:2379", "threads=4"});
        assertEquals(1, o.threadsFor(1));
        assertEquals(4, o.threadsFor(16));
        assertEquals(4, o.threadsFor(256));
    }

    @Test
    void rejectsBadInput() {
        String store = "redis=127.0.0.1:6379";
        for (String bad : new String[] {"nope=1", "workloads=d", "workloads=", "concurrency=0", "rounds=0",
                "seconds=0", "seconds=-1", "seconds=x", "dist=hot", "records=10", "value=0", "threads=0",
                "timeout=0", "ringcache"}) {
            assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(new String[] {store, bad}), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(new String[] {"rounds=1"}),
                "no store named");
    }
}
