package io.ringcache.node.adapter.http;

import io.ringcache.node.adapter.netty.OffLoopRequests;
import io.ringcache.node.core.Consistency;
import io.ringcache.node.adapter.auth.Doorkeeper;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.StoredValue;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The key-value endpoints: the seed's {@code /set}, {@code /get}, {@code /join} and REST
 * {@code /v1/kv/{key}}. Each calls the node's request path in-process, off the transport thread
 * ({@link OffLoopRequests}) and never waited for: any node serves any key (the path forwards to the shard's leader and waits for
 * one within the deadline).
 */
final class KvRoutes {

    static final String VERSION_HEADER = "X-Ringcache-Version";
    static final String EXPIRES_HEADER = "X-Ringcache-Expires-At";

    /** The request path, started off the transport thread. */
    private final OffLoopRequests requests;
    private final HttpSettings settings;
    private final JoinHandler joinHandler;
    private final Doorkeeper doorkeeper;

    KvRoutes(OffLoopRequests requests, HttpSettings settings, JoinHandler joinHandler, Doorkeeper doorkeeper) {
        this.requests = requests;
        this.settings = settings;
        this.joinHandler = joinHandler;
        this.doorkeeper = doorkeeper;
    }

    /** {@code GET /set?key=K&value=V&ttl=T} answers {@code ok}. */
    CompletableFuture<HttpReply> seedSet(HttpCall call) {
        call.allow("GET", "POST");
        Map<String, String> query = call.query();
        byte[] key = key(query.get("key"));
        long ttl = Ttl.parseMillis(query.get("ttl"));
        byte[] value = query.getOrDefault("value", "").getBytes(StandardCharsets.UTF_8);
        if (value.length > settings.maxValueBytes()) {
            throw HttpError.valueTooLarge(Integer.toString(value.length), settings.maxValueBytes());
        }
        return write(call, key, new Command.Put(key, value, ttl), key.length + value.length)
                .thenApply(result -> HttpReply.text(200, "ok"));
    }

    /** {@code GET /get?key=K} answers the value, or {@code not found} with 404. */
    CompletableFuture<HttpReply> seedGet(HttpCall call) {
        call.allow("GET");
        byte[] key = key(call.query().get("key"));
        return read(call, key).thenApply(value -> {
            if (value == null) {
                throw HttpError.notFound("not found");
            }
            return versioned(HttpReply.bytes(200, HttpReply.TEXT, value.value()), value);
        });
    }

    /** {@code GET /join?node_id=ID&addr=RAFTADDR} answers {@code joined}; blocks (runs off the event loop). */
    HttpReply seedJoin(HttpCall call) {
        call.allow("GET", "POST");
        Map<String, String> query = call.query();
        String nodeId = query.get("node_id");
        String addr = query.get("addr");
        if (nodeId == null || nodeId.isBlank()) {
            throw HttpError.badRequest("missing node_id");
        }
        if (addr == null || addr.isBlank()) {
            throw HttpError.badRequest("missing addr");
        }
        Map<String, String> extra = new LinkedHashMap<>(query);
        extra.remove("node_id");
        extra.remove("addr");
        String reply;
        try {
            reply = joinHandler.join(nodeId, addr, Map.copyOf(extra));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(String.valueOf(e.getMessage()));
        } catch (IllegalStateException e) {
            throw HttpError.unavailable("unavailable", String.valueOf(e.getMessage()));
        }
        return HttpReply.text(200, reply == null || reply.isBlank() ? "joined" : reply);
    }

    /** {@code GET|HEAD|PUT|DELETE /v1/kv/{key}}; {@code rawKey} is the path after the prefix, still encoded. */
    CompletableFuture<HttpReply> rest(HttpCall call, String rawKey) {
        call.allow("GET", "HEAD", "PUT", "DELETE");
        byte[] key = key(HttpIo.percentDecode(rawKey));
        switch (call.method()) {
            case "GET", "HEAD" -> {
                return read(call, key).thenApply(value -> {
                    if (value == null) {
                        throw HttpError.notFound("key not found");
                    }
                    return versioned(HttpReply.bytes(200, HttpReply.OCTETS, value.value()), value);
                });
            }
            case "PUT" -> {
                long ttl = Ttl.parseMillis(call.query().get("ttl"));
                byte[] body = call.body();
                if (body.length > settings.maxValueBytes()) {
                    throw HttpError.valueTooLarge(Integer.toString(body.length), settings.maxValueBytes());
                }
                return write(call, key, new Command.Put(key, body, ttl), key.length + body.length).thenApply(result -> {
                    CommandResult.Written w = (CommandResult.Written) result;
                    // Versions are unsigned 64-bit: JSON numbers from their unsigned value.
                    String json = Json.write(Json.object().put("version", unsigned(w.version()))
                            .put("previous_version", unsigned(w.previousVersion())));
                    return HttpReply.json(200, json).with(VERSION_HEADER, Long.toUnsignedString(w.version()));
                });
            }
            default -> {
                return write(call, key, new Command.Delete(key), key.length).thenApply(result ->
                        HttpReply.json(200, Json.write(Json.object().put("deleted", ((CommandResult.Deleted) result).deleted()))));
            }
        }
    }

    private CompletableFuture<StoredValue> read(HttpCall call, byte[] key) {
        ShardOp op = new ShardOp.Read(new Query.Get(key), Consistency.LINEARIZABLE);
        return call(call, key, op).thenApply(outcome -> ((ResultCodec.Answer.Value) ((ShardOutcome.Answered) outcome).answer()).value());
    }

    private CompletableFuture<CommandResult> write(HttpCall call, byte[] key, Command command, int bytes) {
        return call(call, key, new ShardOp.Write(command, bytes)).thenApply(outcome -> ((ShardOutcome.Applied) outcome).result());
    }

    /**
     * One call on the request path within the deadline; a failure becomes the {@link HttpError}
     * it stands for. The request path keeps to its budget; the timeout here is the backstop.
     */
    private CompletableFuture<ShardOutcome> call(HttpCall call, byte[] key, ShardOp op) {
        KvFailure refused = doorkeeper.refusal("http", call.caller(), op);
        if (refused != null) {
            throw error(refused);
        }
        long deadline = settings.kvDeadline().toMillis();
        return requests.submit(key, op, deadline).handle((outcome, error) -> {
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                if (cause instanceof TimeoutException) {
                    throw HttpError.unavailable("deadline_exceeded", "no answer within " + deadline + " ms");
                }
                throw new HttpError(500, "internal", "internal error: " + cause);
            }
            if (outcome instanceof ShardOutcome.Failed f) {
                throw error(f.failure());
            }
            return outcome;
        });
    }

    /** The HTTP form of a failure. */
    static HttpError error(KvFailure failure) {
        if (failure instanceof KvFailure.Unauthenticated u) {
            return HttpError.unauthorized(u.message());
        }
        if (failure instanceof KvFailure.PermissionDenied d) {
            return HttpError.forbidden(d.message());
        }
        if (failure instanceof KvFailure.KeyTooLarge k) {
            return HttpError.keyTooLarge(k.size(), k.maxSize());
        }
        if (failure instanceof KvFailure.ValueTooLarge v) {
            return HttpError.valueTooLarge(Long.toString(v.size()), v.maxSize());
        }
        if (failure instanceof KvFailure.InvalidArgument i) {
            return HttpError.badRequest(i.message());
        }
        if (failure instanceof KvFailure.ResourceExhausted r) {
            return new HttpError(507, "resource_exhausted", r.message().isEmpty()
                    ? "shard " + r.shardId() + " reached its memory budget" : r.message());
        }
        if (failure instanceof KvFailure.NotLeader n) {
            return HttpError.unavailable("not_leader", "could not reach the leader of shard " + n.shardId());
        }
        if (failure instanceof KvFailure.StaleEpoch s) {
            return HttpError.unavailable("stale_epoch", "the partition map changed (epoch "
                    + s.requestEpoch() + " < " + s.currentEpoch() + ")");
        }
        if (failure instanceof KvFailure.ShardNotFound s) {
            return HttpError.unavailable("shard_not_found", "shard " + s.shardId() + " not found");
        }
        if (failure instanceof KvFailure.KeyMoved m) {
            return HttpError.unavailable("key_moved", "the key's shard split and this store has not seen the new "
                    + "partition map yet; retry (" + m.message() + ")");
        }
        KvFailure.Unavailable u = (KvFailure.Unavailable) failure;
        return HttpError.unavailable("unavailable", u.message().isEmpty()
                ? "shard " + u.shardId() + " is unavailable" : u.message());
    }

    private byte[] key(String key) {
        if (key == null || key.isEmpty()) {
            throw HttpError.badRequest("missing key");
        }
        return key(key.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] key(byte[] key) {
        if (key.length == 0) {
            throw HttpError.badRequest("missing key");
        }
        if (key.length > settings.maxKeyBytes()) {
            throw HttpError.keyTooLarge(key.length, settings.maxKeyBytes());
        }
        return key;
    }

    private static BigInteger unsigned(long v) {
        return v >= 0 ? BigInteger.valueOf(v) : new BigInteger(Long.toUnsignedString(v));
    }

    private static HttpReply versioned(HttpReply reply, StoredValue value) {
        HttpReply r = reply.with(VERSION_HEADER, Long.toUnsignedString(value.version()));
        return value.expiresAt() != 0 ? r.with(EXPIRES_HEADER, Long.toString(value.expiresAt())) : r;
    }
}
