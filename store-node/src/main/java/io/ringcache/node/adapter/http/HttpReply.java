package io.ringcache.node.adapter.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A complete HTTP reply: status, content type, extra headers and body (a HEAD request gets the headers only). */
public record HttpReply(int status, String contentType, Map<String, String> headers, byte[] body) {

    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String JSON = "application/json; charset=utf-8";
    public static final String OCTETS = "application/octet-stream";

    public static HttpReply text(int status, String text) {
        return new HttpReply(status, TEXT, Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply json(int status, String json) {
        return new HttpReply(status, JSON, Map.of(), json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply bytes(int status, String contentType, byte[] body) {
        return new HttpReply(status, contentType, Map.of(), body);
    }

    /** This reply with one more header. */
    public HttpReply with(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpReply(status, contentType, h, body);
    }
}
