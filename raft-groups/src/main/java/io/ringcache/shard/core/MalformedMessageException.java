package io.ringcache.shard.core;

/** Bytes that are not a valid encoding (truncated, unknown version or opcode, bad lengths). */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
