package io.ringcache.node.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A monotonic clock in nanoseconds that runs at a rate a fault test writes to a file (1.0: the
 * real rate; 0.5: half as fast), for the store's read leases only. The fault suite slows one
 * store's lease clock to show what a leader whose clock runs slow does (chaos/README.md, "Clocks
 * and TTL"); a store uses it only when started with {@code -Dringcache.fault.lease_clock_file}.
 *
 * <p>Invariants: it never goes backwards, and a change of rate applies from the moment it is read
 * (the clock is piecewise linear in the real one). The file is read at most every
 * {@link #REREAD_NANOS}; a missing or unreadable file, or a rate that is not positive, keeps the
 * rate it had. Thread-safe.
 */
final class RateFileClock implements LongSupplier {

    static final long REREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path file;
    private final LongSupplier real;
    private long anchorReal;
    private long anchorValue;
    private double rate = 1.0;
    private long nextRead;

    /** @param real the clock it runs against ({@code System::nanoTime}) */
    RateFileClock(Path file, LongSupplier real) {
        this.file = file;
        this.real = real;
        this.anchorReal = real.getAsLong();
        this.anchorValue = anchorReal;
        this.nextRead = anchorReal;
    }

    @Override
    public synchronized long getAsLong() {
        long now = real.getAsLong();
        if (now - nextRead >= 0) {
            nextRead = now + REREAD_NANOS;
            double next = readRate();
            if (next != rate) {
                anchorValue = at(now);
                anchorReal = now;
                rate = next;
            }
        }
        return at(now);
    }

    private long at(long now) {
        return anchorValue + (long) ((now - anchorReal) * rate);
    }

    private double readRate() {
        try {
            double r = Double.parseDouble(Files.readString(file).strip());
            return r > 0 && Double.isFinite(r) ? r : rate;
        } catch (IOException | NumberFormatException e) {
            return rate;
        }
    }
}
