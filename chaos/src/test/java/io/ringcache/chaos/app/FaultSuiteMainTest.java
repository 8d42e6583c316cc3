package io.ringcache.chaos.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad flags are refused with a message and exit code 2 (a missing tool: 3), before anything is built or started. */
class FaultSuiteMainTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new FaultSuiteMain());
        cli.setErr(new PrintWriter(err));
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            return cli.execute(args);
        } finally {
            System.setErr(saved);
            err.write(captured.toString());
        }
    }

    @Test
    void anUnknownNemesisIsNamed() {
        assertEquals(2, run("--client-netns", "ns", "--nemeses", "partition,flood"));
        assertTrue(err.toString().contains("unknown nemesis 'flood'"), err.toString());
    }

    @Test
    void aRunTooShortIsRefused() {
        assertEquals(2, run("--client-netns", "ns", "--seconds", "5"));
        assertTrue(err.toString().contains("--seconds >= 20"), err.toString());
    }

    @Test
    void theClientNamespaceIsRequired() {
        assertEquals(2, run("--seconds", "60"));
        assertTrue(err.toString().contains("--client-netns"), err.toString());
    }

    @Test
    void aNegativeTtlBoundIsRefused() {
        assertEquals(2, run("--client-netns", "ns", "--ttl-bound-ms", "-1"));
        assertTrue(err.toString().contains("--ttl-bound-ms >= 0"), err.toString());
    }

    @Test
    void theClockNemesisSaysWhenLibfaketimeIsMissing() {
        assertEquals(3, run("--client-netns", "ns", "--nemeses", "clock", "--faketime-lib", "/nonexistent/libfaketimeMT.so.1"));
        assertTrue(err.toString().contains("apt-get install libfaketime"), err.toString());
    }

    @Test
    void theDiskNemesisSaysWhenItCannotBuildTheFaultyFileSystemItsFailingFsyncsNeed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out) {
        assertEquals(3, run("--client-netns", "ns", "--nemeses", "disk", "--cc", "/nonexistent/gcc", "--out", out.toString()));
        assertTrue(err.toString().contains("the disk nemesis needs FUSE"), err.toString());
        assertTrue(err.toString().contains("apt-get install fuse3 libfuse3-dev gcc"), err.toString());
    }

    @Test
    void theLatencyNemesisSaysWhenItCannotBuildItsPacketHolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out) {
        assertEquals(3, run("--client-netns", "ns", "--nemeses", "latency", "--cc", "/nonexistent/gcc", "--out", out.toString()));
        assertTrue(err.toString().contains("apt-get install gcc libnetfilter-queue-dev"), err.toString());
    }

    @Test
    void theIoNemesisSaysWhenItCannotBuildItsFaultyFileSystem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out) {
        assertEquals(3, run("--client-netns", "ns", "--nemeses", "io", "--cc", "/nonexistent/gcc", "--out", out.toString()));
        assertTrue(err.toString().contains("apt-get install fuse3 libfuse3-dev gcc"), err.toString());
    }
}
