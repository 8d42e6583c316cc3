package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HttpJsonTest {

    @Test
    void errorBodiesEscapeWhatJsonRequiresAndReadBack() throws Exception {
        assertEquals("{\"error\":\"not_found\",\"message\":\"no \\\"x\\\"\"}", Json.error("not_found", "no \"x\""));
        String nasty = "q\"b\\s/\n\r\t\b\f\u0000\u001f\u2028é☃\uD83D\uDE00";
        assertEquals(nasty, Json.MAPPER.readTree(Json.error("k", nasty)).path("message").asText());
    }
}
