package io.ringcache.node.core;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.Query;

/** What a request asks of one shard: a read served without a log entry, or a write through the log. */
public sealed interface ShardOp {

    /** A {@link Query.Get} or {@link Query.BatchGet}. */
    record Read(Query query, Consistency consistency) implements ShardOp {
    }

    /**
     * A write; {@code bytes} is its size as the group commit counts it.
     * A {@link Command.Tagged} command applies once however often it is sent.
     */
    record Write(Command command, int bytes) implements ShardOp {
    }
}
