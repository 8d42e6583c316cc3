package io.ringcache.node.adapter.http;

/**
 * A request that ends with an error reply. Carries no stack trace: these are expected outcomes
 * (bad input, a shard without a leader), not bugs.
 */
final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String kind;
    private final boolean retryLater;
    private final String allow;

    HttpError(int status, String kind, String message, boolean retryLater, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.kind = kind;
        this.retryLater = retryLater;
        this.allow = allow;
    }

    HttpError(int status, String kind, String message) {
        this(status, kind, message, false, null);
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, "invalid_argument", message);
    }

    /** 401: no or wrong credentials while auth is on; the reply names the schemes (Basic, Bearer). */
    static HttpError unauthorized(String message) {
        return new HttpError(401, "unauthenticated", message);
    }

    static HttpError forbidden(String message) {
        return new HttpError(403, "permission_denied", message);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, "not_found", message);
    }

    static HttpError methodNotAllowed(String method, String allow) {
        return new HttpError(405, "method_not_allowed", "method " + method + " not allowed; allowed: " + allow,
                false, allow);
    }

    static HttpError keyTooLarge(long size, long max) {
        return new HttpError(413, "key_too_large", "key of " + size + " bytes exceeds the maximum of " + max);
    }

    static HttpError valueTooLarge(String size, long max) {
        return new HttpError(413, "value_too_large", "value of " + size + " bytes exceeds the maximum of " + max);
    }

    /** The node cannot serve the request now; the caller may retry shortly (503, Retry-After). */
    static HttpError unavailable(String kind, String message) {
        return new HttpError(503, kind, message, true, null);
    }

    /** The reply: JSON under {@code /v1/}, the seed's plain text elsewhere. */
    HttpReply reply(boolean json) {
        HttpReply r = json ? HttpReply.json(status, Json.error(kind, getMessage())) : HttpReply.text(status, getMessage());
        if (allow != null) {
            r = r.with("Allow", allow);
        }
        if (status == 401) {
            r = r.with("WWW-Authenticate", "Basic realm=\"ringcache\", charset=\"UTF-8\", Bearer realm=\"ringcache\"");
        }
        return retryLater ? r.with("Retry-After", "1") : r;
    }

    int status() {
        return status;
    }

    String kind() {
        return kind;
    }

    boolean retryLater() {
        return retryLater;
    }

    /** The Allow header of a 405, else null. */
    String allow() {
        return allow;
    }
}
