package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HttpJsonTest {

    @Test
    void escapesWhatJsonRequires() {
        assertEquals("\"plain\"", Json.quote("plain"));
        assertEquals("\"q\\\"b\\\\s/\"", Json.quote("q\"b\\s/"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", Json.quote("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u001f\\u007f\"", Json.quote("\u0000\u001f\u007f"));
        assertEquals("\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"));
        assertEquals("\"é☃\uD83D\uDE00\"", Json.quote("é☃\uD83D\uDE00"));
        assertEquals("null", Json.quote(null));
    }

    @Test
    void errorBody() {
        assertEquals("{\"error\":\"not_found\",\"message\":\"no \\\"x\\\"\"}", Json.error("not_found", "no \"x\""));
    }
}
