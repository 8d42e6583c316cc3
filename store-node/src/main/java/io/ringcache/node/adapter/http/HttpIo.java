package io.ringcache.node.adapter.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading requests and writing replies on a JDK {@link HttpExchange}. */
final class HttpIo {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json; charset=utf-8";
    static final String OCTETS = "application/octet-stream";
    static final long SWALLOW_BYTES = 4L * 1024 * 1024;

    private HttpIo() {
    }

    /** The query's parameters, form-decoded as UTF-8; the first value of a repeated name wins. */
    static Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
            params.putIfAbsent(name, value);
        }
        return Collections.unmodifiableMap(params);
    }

    private static String formDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("malformed percent-encoding in the query");
        }
    }

    /** Percent-decodes a path segment to its bytes ('+' stays '+'); other characters are taken as UTF-8. */
    static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw HttpError.badRequest("malformed percent-encoding in the path");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw HttpError.badRequest("malformed percent-encoding in the path");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                int end = i + (Character.isHighSurrogate(c) && i + 1 < raw.length() ? 2 : 1);
                out.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return out.toByteArray();
    }

    /**
     * The request body, at most {@code max} bytes. A declared Content-Length over the cap is refused
     * before anything is read; a body without one (chunked) is read up to the cap and refused there.
     */
    static byte[] readBody(HttpExchange exchange, int max) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("malformed Content-Length");
            }
            if (length > max) {
                throw HttpError.valueTooLarge(Long.toString(length), max);
            }
        }
        // Not closed here: closing drains what is left of the body, which must wait until the reply is out
        // (the exchange closes it after the reply; a body left unread then closes the connection).
        // Never a read of length 0: on a chunked body that blocks for the next chunk's header.
        InputStream in = exchange.getRequestBody();
        ByteArrayOutputStream body = new ByteArrayOutputStream(length >= 0 ? (int) length : 8192);
        byte[] buffer = new byte[8192];
        long cap = (long) max + 1;
        long read = 0;
        while (read < cap) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, cap - read));
            if (n < 0) {
                break;
            }
            body.write(buffer, 0, n);
            read += n;
        }
        if (read > max) {
            throw HttpError.valueTooLarge("more than " + max, max);
        }
        return body.toByteArray();
    }

    /** Sends a complete reply; a HEAD request gets the headers only. */
    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        if (head || body.length == 0) {
            if (head && body.length > 0) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            }
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
            out.flush();
            swallowUnreadBody(exchange);
        }
    }

    /**
     * After the reply is out, reads and discards what the client may still be sending of a body the
     * handler did not read (a request refused early), up to {@link #SWALLOW_BYTES}: closing a connection
     * with unread data resets it, and the client could lose the reply. A larger body is not waited for.
     */
    private static void swallowUnreadBody(HttpExchange exchange) {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            if (declared != null && Long.parseLong(declared.strip()) > SWALLOW_BYTES) {
                return;
            }
        } catch (NumberFormatException e) {
            return;
        }
        byte[] scratch = new byte[8192];
        long left = SWALLOW_BYTES;
        try {
            InputStream in = exchange.getRequestBody();
            int n;
            while (left > 0 && (n = in.read(scratch, 0, (int) Math.min(scratch.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // The client went away: nothing left to protect.
        }
    }

    static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        send(exchange, status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Replies with an error, as JSON or as the seed's plain text; the body is closed by the caller. */
    static void sendError(HttpExchange exchange, HttpError error, boolean json) throws IOException {
        if (error.allow() != null) {
            exchange.getResponseHeaders().set("Allow", error.allow());
        }
        if (error.retryLater()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
        }
        if (json) {
            sendJson(exchange, error.status(), Json.error(error.kind(), error.getMessage()));
        } else {
            sendText(exchange, error.status(), error.getMessage());
        }
    }

    /** Throws a 405 unless the request's method is one of {@code allowed}. */
    static void allow(HttpExchange exchange, String... allowed) {
        String method = exchange.getRequestMethod();
        for (String m : allowed) {
            if (m.equals(method)) {
                return;
            }
        }
        throw HttpError.methodNotAllowed(method, String.join(", ", allowed));
    }
}
