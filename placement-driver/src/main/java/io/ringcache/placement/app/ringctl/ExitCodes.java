package io.ringcache.placement.app.ringctl;

/** ringctl's exit codes (documented in RINGCTL section of placement-driver/README.md). */
public final class ExitCodes {

    public static final int OK = 0;
    /** The PD refused the request (INVALID_ARGUMENT, FAILED_PRECONDITION, ...) or an operation failed. */
    public static final int REFUSED = 1;
    /** Bad command line (picocli's default for usage errors). */
    public static final int USAGE = 2;
    /** No PD member reachable, or no PD leader. */
    public static final int UNREACHABLE = 3;
    /** {@code --timeout} elapsed while waiting; the operators keep running in the PD. */
    public static final int TIMED_OUT = 4;

    private ExitCodes() {
    }
}
