package io.ringcache.node.adapter.http;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import io.ringcache.proto.v1.DeleteResponse;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.VersionedValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The key-value endpoints: the seed's {@code /set}, {@code /get}, {@code /join} and REST {@code /v1/kv/{key}}. */
final class KvRoutes {

    static final String VERSION_HEADER = "X-Ringcache-Version";
    static final String EXPIRES_HEADER = "X-Ringcache-Expires-At";

    private final KvCalls kv;
    private final HttpSettings settings;
    private final JoinHandler joinHandler;

    KvRoutes(KvCalls kv, HttpSettings settings, JoinHandler joinHandler) {
        this.kv = kv;
        this.settings = settings;
        this.joinHandler = joinHandler;
    }

    /** {@code GET /set?key=K&value=V&ttl=T} answers {@code ok}. */
    void seedSet(HttpExchange exchange) throws IOException {
        HttpIo.allow(exchange, "GET", "POST");
        Map<String, String> query = HttpIo.query(exchange);
        ByteString key = key(query.get("key"));
        long ttl = Ttl.parseMillis(query.get("ttl"));
        byte[] value = query.getOrDefault("value", "").getBytes(StandardCharsets.UTF_8);
        if (value.length > settings.maxValueBytes()) {
            throw HttpError.valueTooLarge(Integer.toString(value.length), settings.maxValueBytes());
        }
        kv.put(key, ByteString.copyFrom(value), ttl);
        HttpIo.sendText(exchange, 200, "ok");
    }

    /** {@code GET /get?key=K} answers the value, or {@code not found} with 404. */
    void seedGet(HttpExchange exchange) throws IOException {
        HttpIo.allow(exchange, "GET");
        ByteString key = key(HttpIo.query(exchange).get("key"));
        Optional<VersionedValue> value = kv.get(key);
        if (value.isEmpty()) {
            throw HttpError.notFound("not found");
        }
        versionHeaders(exchange, value.get());
        HttpIo.send(exchange, 200, HttpIo.TEXT, value.get().getValue().toByteArray());
    }

    /** {@code GET /join?node_id=ID&addr=RAFTADDR} answers {@code joined}. */
    void seedJoin(HttpExchange exchange) throws IOException {
        HttpIo.allow(exchange, "GET", "POST");
        Map<String, String> query = HttpIo.query(exchange);
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
        HttpIo.sendText(exchange, 200, reply == null || reply.isBlank() ? "joined" : reply);
    }

    /** {@code GET|HEAD|PUT|DELETE /v1/kv/{key}}; {@code rawKey} is the path after the prefix, still encoded. */
    void rest(HttpExchange exchange, String rawKey) throws IOException {
        HttpIo.allow(exchange, "GET", "HEAD", "PUT", "DELETE");
        ByteString key = key(HttpIo.percentDecode(rawKey));
        switch (exchange.getRequestMethod()) {
            case "GET", "HEAD" -> {
                Optional<VersionedValue> value = kv.get(key);
                if (value.isEmpty()) {
                    throw HttpError.notFound("key not found");
                }
                versionHeaders(exchange, value.get());
                HttpIo.send(exchange, 200, HttpIo.OCTETS, value.get().getValue().toByteArray());
            }
            case "PUT" -> {
                long ttl = Ttl.parseMillis(HttpIo.query(exchange).get("ttl"));
                byte[] body = HttpIo.readBody(exchange, settings.maxValueBytes());
                PutResponse written = kv.put(key, ByteString.copyFrom(body), ttl);
                exchange.getResponseHeaders().set(VERSION_HEADER, Long.toUnsignedString(written.getVersion()));
                HttpIo.sendJson(exchange, 200, "{\"version\":" + Long.toUnsignedString(written.getVersion())
                        + ",\"previous_version\":" + Long.toUnsignedString(written.getPreviousVersion()) + "}");
            }
            default -> {
                DeleteResponse deleted = kv.delete(key);
                HttpIo.sendJson(exchange, 200, "{\"deleted\":" + deleted.getDeleted() + "}");
            }
        }
    }

    private ByteString key(String key) {
        if (key == null || key.isEmpty()) {
            throw HttpError.badRequest("missing key");
        }
        return key(key.getBytes(StandardCharsets.UTF_8));
    }

    private ByteString key(byte[] key) {
        if (key.length == 0) {
            throw HttpError.badRequest("missing key");
        }
        if (key.length > settings.maxKeyBytes()) {
            throw HttpError.keyTooLarge(key.length, settings.maxKeyBytes());
        }
        return ByteString.copyFrom(key);
    }

    private static void versionHeaders(HttpExchange exchange, VersionedValue value) {
        exchange.getResponseHeaders().set(VERSION_HEADER, Long.toUnsignedString(value.getVersion()));
        if (value.getExpiresAtUnixMs() != 0) {
            exchange.getResponseHeaders().set(EXPIRES_HEADER, Long.toString(value.getExpiresAtUnixMs()));
        }
    }
}
