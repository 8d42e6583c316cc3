package io.ringcache.node.adapter.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.ringcache.node.core.Consistency;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.CompareAndSetResponse;
import io.ringcache.proto.v1.DeleteResponse;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.ExecuteResponse;
import io.ringcache.proto.v1.QueryResponse;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.ReadConsistency;
import io.ringcache.proto.v1.ResponseHeader;
import io.ringcache.proto.v1.TouchResponse;
import io.ringcache.proto.v1.VersionedValue;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.StoredValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The request path's outcomes as KV replies, and forwarded replies back as outcomes. Each pair
 * is inverse on what a reply carries, so a request forwarded to another store answers the caller
 * exactly as if it had been served here.
 */
final class KvProtos {

    private KvProtos() {
    }

    static Consistency consistency(ReadConsistency c) {
        return switch (c) {
            case READ_CONSISTENCY_FOLLOWER -> Consistency.FOLLOWER;
            case READ_CONSISTENCY_STALE -> Consistency.STALE;
            default -> Consistency.LINEARIZABLE;
        };
    }

    static ReadConsistency consistency(Consistency c) {
        return switch (c) {
            case FOLLOWER -> ReadConsistency.READ_CONSISTENCY_FOLLOWER;
            case STALE -> ReadConsistency.READ_CONSISTENCY_STALE;
            case LINEARIZABLE -> ReadConsistency.READ_CONSISTENCY_LINEARIZABLE;
        };
    }

    static VersionedValue versioned(StoredValue v) {
        return VersionedValue.newBuilder().setValue(UnsafeByteOperations.unsafeWrap(v.value()))
                .setVersion(v.version()).setExpiresAtUnixMs(v.expiresAt()).build();
    }

    static StoredValue stored(VersionedValue v) {
        return new StoredValue(v.getValue().toByteArray(), v.getVersion(), v.getExpiresAtUnixMs());
    }

    // ---- outcome -> reply ----

    static GetResponse get(ShardOutcome outcome) {
        if (outcome instanceof ShardOutcome.Answered a && a.answer() instanceof ResultCodec.Answer.Value v) {
            GetResponse.Builder b = GetResponse.newBuilder().setHeader(header(a.shardId(), a.appliedIndex(), a.epoch()))
                    .setFound(v.value() != null);
            if (v.value() != null) {
                b.setValue(versioned(v.value()));
            }
            return b.build();
        }
        return GetResponse.newBuilder().setError(error(outcome)).build();
    }

    /** A BatchGet part's reply: one result per key, every one failed when the part failed. */
    static BatchGetResponse batchGet(ShardOutcome outcome, int keys) {
        BatchGetResponse.Builder b = BatchGetResponse.newBuilder();
        if (outcome instanceof ShardOutcome.Answered a && a.answer() instanceof ResultCodec.Answer.Values vs) {
            b.setHeader(header(a.shardId(), a.appliedIndex(), a.epoch()));
            for (StoredValue v : vs.values()) {
                GetResponse.Builder g = GetResponse.newBuilder().setFound(v != null);
                if (v != null) {
                    g.setValue(versioned(v));
                }
                b.addResults(g);
            }
            return b.build();
        }
        Error e = error(outcome);
        for (int i = 0; i < keys; i++) {
            b.addResults(GetResponse.newBuilder().setError(e));
        }
        return b.build();
    }

    static PutResponse put(ShardOutcome outcome) {
        if (outcome instanceof ShardOutcome.Applied a && a.result() instanceof CommandResult.Written w) {
            return PutResponse.newBuilder().setHeader(header(a)).setVersion(w.version())
                    .setPreviousVersion(w.previousVersion()).build();
        }
        return PutResponse.newBuilder().setError(error(outcome)).build();
    }

    /** A BatchPut part's reply: one result per write, every one failed when the part failed. */
    static BatchPutResponse batchPut(ShardOutcome outcome, int writes) {
        BatchPutResponse.Builder b = BatchPutResponse.newBuilder();
        if (outcome instanceof ShardOutcome.Applied a && a.result() instanceof CommandResult.Batch batch
                && batch.results().size() == writes) {
            b.setHeader(header(a));
            for (CommandResult one : batch.results()) {
                CommandResult.Written w = (CommandResult.Written) one;
                b.addResults(PutResponse.newBuilder().setVersion(w.version()).setPreviousVersion(w.previousVersion()));
            }
            return b.build();
        }
        Error e = error(outcome);
        for (int i = 0; i < writes; i++) {
            b.addResults(PutResponse.newBuilder().setError(e));
        }
        return b.build();
    }

    static DeleteResponse delete(ShardOutcome outcome) {
        if (outcome instanceof ShardOutcome.Applied a && a.result() instanceof CommandResult.Deleted d) {
            return DeleteResponse.newBuilder().setHeader(header(a)).setDeleted(d.deleted())
                    .setPreviousVersion(d.previousVersion()).build();
        }
        return DeleteResponse.newBuilder().setError(error(outcome)).build();
    }

    static CompareAndSetResponse compareAndSet(ShardOutcome outcome) {
        if (outcome instanceof ShardOutcome.Applied a && a.result() instanceof CommandResult.CasOutcome o) {
            CompareAndSetResponse.Builder b = CompareAndSetResponse.newBuilder().setHeader(header(a))
                    .setSucceeded(o.succeeded()).setVersion(o.version()).setFound(o.current() != null);
            if (o.current() != null) {
                b.setCurrent(versioned(o.current()));
            }
            return b.build();
        }
        return CompareAndSetResponse.newBuilder().setError(error(outcome)).build();
    }

    static TouchResponse touch(ShardOutcome outcome) {
        if (outcome instanceof ShardOutcome.Applied a && a.result() instanceof CommandResult.Touched t) {
            return TouchResponse.newBuilder().setHeader(header(a)).setFound(t.found()).build();
        }
        return TouchResponse.newBuilder().setError(error(outcome)).build();
    }

    static ExecuteResponse execute(ShardOutcome outcome) {
        if (outcome instanceof ShardOutcome.Applied a) {
            return ExecuteResponse.newBuilder().setHeader(header(a))
                    .setResult(UnsafeByteOperations.unsafeWrap(ResultCodec.encodeResults(List.of(a.result())))).build();
        }
        return ExecuteResponse.newBuilder().setError(error(outcome)).build();
    }

    static QueryResponse query(ShardOutcome outcome) {
        if (outcome instanceof ShardOutcome.Answered a) {
            return QueryResponse.newBuilder().setHeader(header(a.shardId(), a.appliedIndex(), a.epoch()))
                    .setAnswer(UnsafeByteOperations.unsafeWrap(ResultCodec.encodeAnswer(a.answer()))).build();
        }
        return QueryResponse.newBuilder().setError(error(outcome)).build();
    }

    static ShardOutcome outcome(QueryResponse r) {
        if (r.hasError()) {
            return failed(r.getError());
        }
        return new ShardOutcome.Answered(r.getHeader().getShardId(), r.getHeader().getAppliedIndex(), r.getHeader().getEpoch(),
                ResultCodec.decodeAnswer(r.getAnswer().toByteArray()));
    }

    static ShardOutcome outcome(ExecuteResponse r) {
        if (r.hasError()) {
            return failed(r.getError());
        }
        List<CommandResult> results = ResultCodec.decodeResults(r.getResult().toByteArray());
        if (results.size() != 1) {
            return failed(new KvFailure.Unavailable(r.getHeader().getShardId(), "an execute reply with "
                    + results.size() + " results", false));
        }
        return applied(r.getHeader(), results.get(0));
    }

    private static ResponseHeader header(ShardOutcome.Applied a) {
        return header(a.shardId(), a.appliedIndex(), a.epoch());
    }

    static ResponseHeader header(int shard, long appliedIndex, long epoch) {
        return ResponseHeader.newBuilder().setShardId(shard).setAppliedIndex(Math.max(0, appliedIndex)).setEpoch(epoch).build();
    }

    private static Error error(ShardOutcome outcome) {
        if (outcome instanceof ShardOutcome.Failed f) {
            return KvErrors.toProto(f.failure());
        }
        return KvErrors.invalid("unexpected outcome " + outcome);
    }

    // ---- reply -> outcome (forwarded requests) ----

    static ShardOutcome outcome(GetResponse r) {
        return outcome(r.getHeader(), r);
    }

    /** {@code r}'s outcome, described by {@code h} (a batch's result may carry no header of its own). */
    static ShardOutcome outcome(ResponseHeader h, GetResponse r) {
        if (r.hasError()) {
            return failed(r.getError());
        }
        return new ShardOutcome.Answered(h.getShardId(), h.getAppliedIndex(), h.getEpoch(),
                new ResultCodec.Answer.Value(r.getFound() ? stored(r.getValue()) : null));
    }

    static ShardOutcome outcome(BatchGetResponse r) {
        List<StoredValue> values = new ArrayList<>(r.getResultsCount());
        for (GetResponse g : r.getResultsList()) {
            if (g.hasError()) {
                return failed(g.getError());
            }
            values.add(g.getFound() ? stored(g.getValue()) : null);
        }
        return new ShardOutcome.Answered(r.getHeader().getShardId(), r.getHeader().getAppliedIndex(), r.getHeader().getEpoch(),
                new ResultCodec.Answer.Values(values));
    }

    static ShardOutcome outcome(PutResponse r) {
        return outcome(r.getHeader(), r);
    }

    /** {@code r}'s outcome, described by {@code h} (a batch's result may carry no header of its own). */
    static ShardOutcome outcome(ResponseHeader h, PutResponse r) {
        return r.hasError() ? failed(r.getError()) : applied(h, new CommandResult.Written(r.getVersion(), r.getPreviousVersion()));
    }

    static ShardOutcome outcome(BatchPutResponse r) {
        List<CommandResult> results = new ArrayList<>(r.getResultsCount());
        for (PutResponse p : r.getResultsList()) {
            if (p.hasError()) {
                return failed(p.getError());
            }
            results.add(new CommandResult.Written(p.getVersion(), p.getPreviousVersion()));
        }
        return applied(r.getHeader(), new CommandResult.Batch(results));
    }

    static ShardOutcome outcome(DeleteResponse r) {
        return r.hasError() ? failed(r.getError()) : applied(r.getHeader(),
                new CommandResult.Deleted(r.getDeleted(), r.getPreviousVersion()));
    }

    static ShardOutcome outcome(CompareAndSetResponse r) {
        return r.hasError() ? failed(r.getError()) : applied(r.getHeader(), new CommandResult.CasOutcome(
                r.getSucceeded(), r.getVersion(), r.getFound() ? stored(r.getCurrent()) : null));
    }

    static ShardOutcome outcome(TouchResponse r) {
        return r.hasError() ? failed(r.getError()) : applied(r.getHeader(), new CommandResult.Touched(r.getFound()));
    }

    private static ShardOutcome applied(ResponseHeader h, CommandResult result) {
        return new ShardOutcome.Applied(h.getShardId(), h.getAppliedIndex(), h.getEpoch(), result);
    }

    private static ShardOutcome failed(Error e) {
        return new ShardOutcome.Failed(KvErrors.fromProto(e));
    }

    static ShardOutcome failed(KvFailure f) {
        return new ShardOutcome.Failed(f);
    }
}
