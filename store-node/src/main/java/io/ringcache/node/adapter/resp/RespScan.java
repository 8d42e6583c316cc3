package io.ringcache.node.adapter.resp;

import io.ringcache.node.core.Consistency;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type], across every shard of the map in shard
 * order, each shard's keys in byte order. A cursor is a number this node hands out and remembers
 * (the shard reached and the last key returned), so a scan continues on the node that started it;
 * another node answers "invalid cursor". Redis' guarantee holds while the shard layout stays the
 * same: a key present from the start to the end of a full scan is returned at least once.
 * At most {@link #MAX_CURSORS} unfinished scans are remembered; the oldest is forgotten first.
 */
final class RespScan {

    static final int MAX_CURSORS = 10_000;
    private static final int DEFAULT_COUNT = 10;

    private record Position(int shardIndex, byte[] after) {
    }

    private final RespCalls calls;
    private final AtomicLong ids = new AtomicLong();
    private final LinkedHashMap<Long, Position> cursors = new LinkedHashMap<>();

    RespScan(RespCalls calls) {
        this.calls = calls;
    }

    CompletableFuture<RespReply> scan(RespArgs a) {
        a.arity(2, 8);
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(a.text(1));
        } catch (NumberFormatException e) {
            throw new RespArgs.Refused("ERR invalid cursor");
        }
        byte[] pattern = null;
        int count = DEFAULT_COUNT;
        String type = null;
        for (int i = 2; i < a.size(); i += 2) {
            if (i + 1 >= a.size()) {
                throw RespArgs.syntax();
            }
            switch (a.option(i)) {
                case "MATCH" -> pattern = a.bytes(i + 1);
                case "COUNT" -> {
                    long n = a.integer(i + 1);
                    if (n < 1) {
                        throw RespArgs.syntax();
                    }
                    count = (int) Math.min(n, 100_000);
                }
                case "TYPE" -> type = a.text(i + 1).toLowerCase(java.util.Locale.ROOT);
                default -> throw RespArgs.syntax();
            }
        }
        Position at = cursor == 0 ? new Position(0, new byte[0]) : take(cursor);
        if (at == null) {
            throw new RespArgs.Refused("ERR invalid cursor");
        }
        Optional<PartitionMap> map = calls.requests().map();
        if (map.isEmpty()) {
            throw new RespArgs.Refused("TRYAGAIN this store has no partition map yet");
        }
        List<Integer> shards = new ArrayList<>(map.get().shards().keySet());
        if (at.shardIndex() >= shards.size()) {
            return CompletableFuture.completedFuture(reply(0, List.of()));
        }
        byte[] match = pattern;
        boolean strings = type == null || type.equals("string");
        int shardIndex = at.shardIndex();
        return calls.toShard(shards.get(shardIndex), new ShardOp.Read(new Query.Scan(at.after(), count), Consistency.FOLLOWER),
                outcome -> {
                    ResultCodec.Answer.Keys keys = (ResultCodec.Answer.Keys) ((ShardOutcome.Answered) outcome).answer();
                    Position next = keys.more() && !keys.keys().isEmpty()
                            ? new Position(shardIndex, keys.keys().get(keys.keys().size() - 1))
                            : new Position(shardIndex + 1, new byte[0]);
                    List<RespReply> found = new ArrayList<>();
                    for (byte[] k : keys.keys()) {
                        if (strings && (match == null || RespGlob.matches(match, k))) {
                            found.add(new RespReply.Bulk(k));
                        }
                    }
                    return reply(next.shardIndex() >= shards.size() ? 0 : remember(next), found);
                });
    }

    private static RespReply reply(long cursor, List<RespReply> keys) {
        return new RespReply.Array(List.of(RespReply.bulk(Long.toUnsignedString(cursor)), new RespReply.Array(keys)));
    }

    private synchronized Position take(long cursor) {
        return cursors.remove(cursor);
    }

    private synchronized long remember(Position position) {
        long id;
        do {
            id = ids.incrementAndGet();
        } while (id == 0);
        cursors.put(id, position);
        if (cursors.size() > MAX_CURSORS) {
            Iterator<Long> oldest = cursors.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return id;
    }
}
