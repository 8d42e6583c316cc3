package io.ringcache.shard.core;

import java.io.IOException;

/** Carries an {@link IOException} out of a store visitor, which cannot throw it. */
final class SnapshotIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient IOException io;

    SnapshotIoException(IOException io) {
        super(io);
        this.io = io;
    }
}
