package io.ringcache.node.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateFileClockTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long REREAD = RateFileClock.REREAD_NANOS;

    @Test
    void runsAtTheFilesRateFromWhenItReadsItAndNeverGoesBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rate");
        AtomicLong real = new AtomicLong(5 * SECOND);
        RateFileClock clock = new RateFileClock(file, real::get);
        assertEquals(5 * SECOND, clock.getAsLong(), "no file: the real rate");
        real.addAndGet(SECOND);
        assertEquals(6 * SECOND, clock.getAsLong());

        Files.writeString(file, "0.5\n");
        real.addAndGet(REREAD / 2);
        assertEquals(6 * SECOND + REREAD / 2, clock.getAsLong(), "the file is read again only after the re-read interval");
        real.addAndGet(REREAD / 2);
        long read = clock.getAsLong();
        assertEquals(6 * SECOND + REREAD, read, "a new rate applies from when it is read, without a jump");
        real.addAndGet(2 * SECOND);
        assertEquals(read + SECOND, clock.getAsLong(), "two real seconds at half the rate");

        Files.writeString(file, "-1");
        real.addAndGet(2 * SECOND);
        assertEquals(read + 2 * SECOND, clock.getAsLong(), "a rate that is not positive keeps the last one");

        Files.delete(file);
        real.addAndGet(2 * SECOND);
        assertEquals(read + 3 * SECOND, clock.getAsLong(), "a missing file keeps it too");
    }
}
