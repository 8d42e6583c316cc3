package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcache.node.core.ShardHotKeys;
import io.ringcache.shard.core.HotKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HotKeysEndpointTest {

    private final AtomicReference<int[]> asked = new AtomicReference<>();
    private final HotKeysEndpoint endpoint = new HotKeysEndpoint("node1", (shard, limit) -> {
        asked.set(new int[] {shard, limit});
        return List.of(new ShardHotKeys(3, true, List.of(
                new HotKeys.HotKey("user:42".getBytes(StandardCharsets.UTF_8), 8_192, 16),
                new HotKeys.HotKey(new byte[] {(byte) 0xFF, 0}, 800, 0))));
    });

    private static HttpCall get(String query) {
        return new HttpCall("GET", HotKeysEndpoint.PATH, query, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, new byte[0]);
    }

    @Test
    void answersEachShardsKeysAsJson() throws Exception {
        HttpReply reply = endpoint.handle(get("shard=3&limit=5"));
        assertEquals(200, reply.status());
        assertEquals(3, asked.get()[0]);
        assertEquals(5, asked.get()[1]);
        JsonNode body = Json.MAPPER.readTree(reply.body());
        assertEquals("node1", body.get("store").asText());
        JsonNode shard = body.get("shards").get(0);
        assertEquals(3, shard.get("shard").asInt());
        assertTrue(shard.get("leader").asBoolean());
        assertEquals("user:42", shard.get("keys").get(0).get("key").asText());
        assertEquals(8_192, shard.get("keys").get(0).get("reads").asLong());
        assertEquals(16, shard.get("keys").get(0).get("error").asLong());
        assertEquals("/wA=", shard.get("keys").get(1).get("key_base64").asText(), "binary keys exact in base64");
        endpoint.handle(get(""));
        assertEquals(-1, asked.get()[0]);
        assertEquals(HotKeysEndpoint.DEFAULT_LIMIT, asked.get()[1]);
    }

    @Test
    void badParametersAreA400WithTheReason() {
        for (String query : new String[] {"limit=0", "limit=65", "limit=ten", "shard=-2", "shard=x"}) {
            HttpError e = assertThrows(HttpError.class, () -> endpoint.handle(get(query)), query);
            assertEquals(400, e.status(), query);
            assertTrue(e.getMessage().contains(query.substring(0, query.indexOf('='))), e.getMessage());
        }
        HttpError method = assertThrows(HttpError.class, () -> endpoint.handle(
                new HttpCall("DELETE", HotKeysEndpoint.PATH, "", io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, new byte[0])));
        assertEquals(405, method.status());
    }
}
