package io.ringcache.node.adapter.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.ringcache.placement.core.access.Principal;
import java.util.Map;

/**
 * One HTTP request as the routes see it, complete: its body was read (up to the limit) before
 * routing.
 *
 * @param method   the request method, upper case as sent
 * @param path     the path, still percent-encoded
 * @param rawQuery the query after {@code ?}, still encoded; empty when absent
 * @param caller   who sent it, once {@link io.ringcache.node.adapter.auth.Doorkeeper} let it in (anonymous while auth is off)
 */
public record HttpCall(String method, String path, String rawQuery, HttpHeaders headers, byte[] body, Principal caller) {

    /** A call before its credentials were checked: anonymous. */
    public HttpCall(String method, String path, String rawQuery, HttpHeaders headers, byte[] body) {
        this(method, path, rawQuery, headers, body, Principal.ANONYMOUS);
    }

    /** This call, made by {@code who} (its credentials checked out). */
    public HttpCall as(Principal who) {
        return new HttpCall(method, path, rawQuery, headers, body, who);
    }

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
