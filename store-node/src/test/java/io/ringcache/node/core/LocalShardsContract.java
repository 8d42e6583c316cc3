package io.ringcache.node.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LocalShards} adapter does. A subclass provides a host where {@link #LED} is
 * led by this store and {@link #NOT_HOSTED} is not hosted.
 */
public abstract class LocalShardsContract {

    protected static final int LED = 1;
    protected static final int NOT_HOSTED = 9;

    protected abstract LocalShards shards();

    @Test
    void aWriteIsReadBackLinearizablyAndMovesTheAppliedIndex() throws Exception {
        LocalShards s = shards();
        assertTrue(s.isLeader(LED));
        assertTrue(s.hosts(LED));
        long before = s.appliedIndex(LED);
        CommandResult put = get(s.write(LED, new Command.Put(b("k"), b("v"), 0), 16));
        assertInstanceOf(CommandResult.Written.class, put);
        assertTrue(s.appliedIndex(LED) > before, "the applied index moves past the write");
        ResultCodec.Answer.Value read = (ResultCodec.Answer.Value) get(s.read(LED, new Query.Get(b("k")), false));
        assertArrayEquals(b("v"), read.value().value());
        assertEquals(((CommandResult.Written) put).version(), read.value().version());
        ResultCodec.Answer.Value stale = (ResultCodec.Answer.Value) get(s.read(LED, new Query.Get(b("absent")), true));
        assertNull(stale.value());
    }

    @Test
    void concurrentReadsEachGetTheirOwnKeyAndSeeEveryWriteAcknowledgedBeforeThem() throws Exception {
        LocalShards s = shards();
        int keys = 300;
        List<CompletableFuture<CommandResult>> writes = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            writes.add(s.write(LED, new Command.Put(b("r" + i), b("v" + i), 0), 16));
        }
        for (CompletableFuture<CommandResult> w : writes) {
            get(w);
        }
        // Issued at once, so an adapter that coalesces reads serves them in shared rounds.
        List<CompletableFuture<ResultCodec.Answer>> reads = new ArrayList<>();
        for (int i = 0; i < keys + 20; i++) {
            reads.add(s.read(LED, new Query.Get(b("r" + i)), false));
        }
        for (int i = 0; i < reads.size(); i++) {
            ResultCodec.Answer.Value v = (ResultCodec.Answer.Value) get(reads.get(i));
            if (i < keys) {
                assertArrayEquals(b("v" + i), v.value().value(), "read " + i);
            } else {
                assertNull(v.value(), "read " + i + " of a key never written");
            }
        }
    }

    @Test
    void aTaggedWriteAppliesOnceHoweverOftenItIsSent() throws Exception {
        LocalShards s = shards();
        Command once = new Command.Tagged(77, 1, new Command.CompareAndSet(b("c"), new Command.Expectation.Absent(), b("1"), 0));
        CommandResult first = get(s.write(LED, once, 16));
        CommandResult again = get(s.write(LED, once, 16));
        assertTrue(((CommandResult.CasOutcome) first).succeeded());
        assertEquals(first, again, "the retry is answered with the first application's result");
    }

    @Test
    void callsOnAShardNotHostedFailWithATypedFailureThatChangedNothing() {
        LocalShards s = shards();
        assertFalse(s.hosts(NOT_HOSTED));
        assertFalse(s.isLeader(NOT_HOSTED));
        KvFailure write = failure(s.write(NOT_HOSTED, new Command.Put(b("k"), b("v"), 0), 16));
        assertTrue(RequestPath.sendAgain(write, new ShardOp.Write(new Command.Delete(b("k")), 1)),
                "a refused write is certain not to have applied: " + write);
        KvFailure read = failure(s.read(NOT_HOSTED, new Query.Get(b("k")), false));
        assertTrue(read instanceof KvFailure.Unavailable || read instanceof KvFailure.NotLeader, read.toString());
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static KvFailure failure(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return RequestPath.failureOf(0, new CompletionException(e.getCause()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the call succeeded");
    }

    protected static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
