package io.ringcache.node.adapter.profiling;

/** Another profile or recording is running in this JVM; only one runs at a time. */
public final class ProfilerBusyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ProfilerBusyException(String message) {
        super(message, null, false, false);
    }
}
