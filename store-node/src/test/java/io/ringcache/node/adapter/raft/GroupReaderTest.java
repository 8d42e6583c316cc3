package io.ringcache.node.adapter.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Read coalescing, driven by hand: each round is a future the test completes. */
class GroupReaderTest {

    private record Round(int shardId, Query query, CompletableFuture<ResultCodec.Answer> answer) {
    }

    private final List<Round> rounds = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final GroupReader reader = new GroupReader((shardId, query) -> {
        Round r = new Round(shardId, CommandCodec.decodeQuery(query), new CompletableFuture<>());
        rounds.add(r);
        return r.answer();
    }, Runnable::run, sizes::add);

    @Test
    void aLoneReadGoesAtOnceAndReadsArrivingMeanwhileShareTheNextRound() {
        CompletableFuture<ResultCodec.Answer> first = reader.get(3, b("a"));
        assertEquals(1, rounds.size(), "a lone read pays no delay");
        assertInstanceOf(Query.Get.class, rounds.get(0).query());

        List<CompletableFuture<ResultCodec.Answer>> waiting = new ArrayList<>();
        for (String k : List.of("b", "c", "d")) {
            waiting.add(reader.get(3, b(k)));
        }
        assertEquals(1, rounds.size(), "reads arriving while a round is in flight wait for the next one");

        rounds.get(0).answer().complete(new ResultCodec.Answer.Value(value("A")));
        assertArrayEquals(b("A"), ((ResultCodec.Answer.Value) first.join()).value().value());
        assertEquals(2, rounds.size(), "the next round leaves once the first is answered");
        Query.BatchGet batch = assertInstanceOf(Query.BatchGet.class, rounds.get(1).query());
        assertEquals(List.of("b", "c", "d"), batch.keys().stream().map(GroupReaderTest::s).toList());
        waiting.forEach(w -> assertFalse(w.isDone()));

        rounds.get(1).answer().complete(new ResultCodec.Answer.Values(java.util.Arrays.asList(value("B"), null, value("D"))));
        assertArrayEquals(b("B"), ((ResultCodec.Answer.Value) waiting.get(0).join()).value().value());
        assertNull(((ResultCodec.Answer.Value) waiting.get(1).join()).value());
        assertArrayEquals(b("D"), ((ResultCodec.Answer.Value) waiting.get(2).join()).value().value());
        assertEquals(List.of(1, 3), sizes);
    }

    @Test
    void shardsHaveRoundsOfTheirOwn() {
        reader.get(1, b("a"));
        reader.get(2, b("b"));
        assertEquals(2, rounds.size(), "a round in flight on shard 1 does not hold back shard 2");
    }

    @Test
    void aFailedRoundFailsEveryReadInItAndTheNextRoundStillLeaves() {
        reader.get(1, b("a"));
        CompletableFuture<ResultCodec.Answer> b = reader.get(1, b("b"));
        CompletableFuture<ResultCodec.Answer> c = reader.get(1, b("c"));
        rounds.get(0).answer().completeExceptionally(new IllegalStateException("lost leadership"));
        assertEquals(2, rounds.size());
        rounds.get(1).answer().completeExceptionally(new IllegalStateException("no leader"));
        for (CompletableFuture<ResultCodec.Answer> f : List.of(b, c)) {
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, f::join);
            assertEquals("no leader", e.getCause().getMessage());
        }
        CompletableFuture<ResultCodec.Answer> d = reader.get(1, b("d"));
        assertEquals(3, rounds.size(), "the shard's queue is free again");
        rounds.get(2).answer().complete(new ResultCodec.Answer.Value(null));
        assertTrue(d.isDone());
    }

    @Test
    void anAnswerOfTheWrongShapeFailsTheRoundInsteadOfMisansweringIt() {
        reader.get(1, b("a"));
        CompletableFuture<ResultCodec.Answer> b = reader.get(1, b("b"));
        CompletableFuture<ResultCodec.Answer> c = reader.get(1, b("c"));
        rounds.get(0).answer().complete(new ResultCodec.Answer.Value(null));
        rounds.get(1).answer().complete(new ResultCodec.Answer.Values(List.of(value("only one"))));
        assertTrue(b.isCompletedExceptionally());
        assertTrue(c.isCompletedExceptionally());
    }

    private static StoredValue value(String v) {
        return new StoredValue(b(v), 1, 0);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
