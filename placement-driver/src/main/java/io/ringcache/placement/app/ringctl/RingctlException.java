package io.ringcache.placement.app.ringctl;

/**
 * A failure ringctl reports as one line on stderr ({@code ringctl: <message>}) with an exit code.
 * Never carries a stack trace to the user.
 */
final class RingctlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    RingctlException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** The PD refused the request, or the operation it started failed or was cancelled. */
    static RingctlException refused(String message) {
        return new RingctlException(ExitCodes.REFUSED, message);
    }

    /** No PD member answered, or none knows a leader. */
    static RingctlException unreachable(String message) {
        return new RingctlException(ExitCodes.UNREACHABLE, message);
    }

    /** Gave up waiting ({@code --timeout}) while the operation is still going. */
    static RingctlException timedOut(String message) {
        return new RingctlException(ExitCodes.TIMED_OUT, message);
    }
}
