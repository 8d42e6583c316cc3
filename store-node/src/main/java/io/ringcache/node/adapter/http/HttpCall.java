package io.ringcache.node.adapter.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;

/**
 * One HTTP request as the routes see it, complete: its body was read (up to the limit) before
 * routing.
 *
 * @param method   the request method, upper case as sent
 * @param path     the path, still percent-encoded
 * @param rawQuery the query after {@code ?}, still encoded; empty when absent
 */
public record HttpCall(String method, String path, String rawQuery, HttpHeaders headers, byte[] body) {

    /** The query's parameters, form-decoded as UTF-8; the first value of a repeated name wins. */
    public Map<String, String> query() {
        return HttpIo.query(rawQuery);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public boolean head() {
        return "HEAD".equals(method);
    }

    /** Throws a 405 unless the method is one of {@code allowed}. */
    public void allow(String... allowed) {
        for (String m : allowed) {
            if (m.equals(method)) {
                return;
            }
        }
        throw HttpError.methodNotAllowed(method, String.join(", ", allowed));
    }
}
