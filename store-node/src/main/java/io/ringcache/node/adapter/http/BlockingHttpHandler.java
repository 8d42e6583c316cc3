package io.ringcache.node.adapter.http;

/**
 * A handler that may block (a profile runs for seconds, a join waits for placement): the server
 * runs it on its blocking pool, never on a transport thread. A thrown {@link HttpError} is its
 * reply; anything else thrown is a 500.
 */
@FunctionalInterface
public interface BlockingHttpHandler {

    HttpReply handle(HttpCall call) throws Exception;
}
