package io.ringcache.shard.core;

/**
 * Thrown by a {@link ShardStore} adapter that has no physical room for a write (an off-heap map
 * whose segment is full, or an entry larger than the map can hold) although the logical budget
 * allowed it. The adapter guarantees the store is unchanged; the engine answers
 * {@link ShardError#RESOURCE_EXHAUSTED}.
 */
public final class StoreFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
