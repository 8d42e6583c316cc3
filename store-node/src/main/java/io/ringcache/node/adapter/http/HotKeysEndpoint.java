package io.ringcache.node.adapter.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringcache.node.core.ShardHotKeys;
import io.ringcache.shard.core.HotKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code GET /v1/hotkeys[?shard=N][&limit=K]}: the keys this store's replicas read most, per
 * shard, most read first (estimated reads since about the last minute, with the estimate's error).
 * <pre>
 * {"store": "node1", "shards": [{"shard": 3, "leader": true,
 *   "keys": [{"key": "user:42", "key_base64": "dXNlcjo0Mg==", "reads": 81920, "error": 0}]}]}
 * </pre>
 * {@code key} is the key as UTF-8 (bytes that are not UTF-8 replaced), {@code key_base64} exact.
 */
public final class HotKeysEndpoint implements BlockingHttpHandler {

    public static final String PATH = "/v1/hotkeys";
    static final int DEFAULT_LIMIT = 10;

    private final String storeId;
    private final BiFunction<Integer, Integer, List<ShardHotKeys>> hotKeys;

    /** @param hotKeys (shard or -1 for all, limit) to the hot keys of this store's replicas */
    public HotKeysEndpoint(String storeId, BiFunction<Integer, Integer, List<ShardHotKeys>> hotKeys) {
        this.storeId = storeId;
        this.hotKeys = hotKeys;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        call.allow("GET", "HEAD");
        if (!call.path().equals(PATH)) {
            throw HttpError.notFound("no such path: " + call.path());
        }
        int shard = intParam(call, "shard", -1, 0, Integer.MAX_VALUE);
        int limit = intParam(call, "limit", DEFAULT_LIMIT, 1, HotKeys.CAPACITY);
        ObjectNode root = Json.object().put("store", storeId);
        ArrayNode shards = root.putArray("shards");
        for (ShardHotKeys s : hotKeys.apply(shard, limit)) {
            ObjectNode o = shards.addObject().put("shard", s.shard()).put("leader", s.leader());
            ArrayNode keys = o.putArray("keys");
            for (HotKeys.HotKey k : s.keys()) {
                keys.addObject().put("key", new String(k.key(), StandardCharsets.UTF_8))
                        .put("key_base64", Base64.getEncoder().encodeToString(k.key()))
                        .put("reads", k.reads()).put("error", k.error());
            }
        }
        return HttpReply.json(200, Json.write(root));
    }

    private static int intParam(HttpCall call, String name, int absent, int min, int max) {
        String raw = call.query().get(name);
        if (raw == null || raw.isEmpty()) {
            return absent;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                throw HttpError.badRequest(name + " must be between " + min + " and " + max + ", not " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(name + " must be a whole number, not '" + raw + "'");
        }
    }
}
