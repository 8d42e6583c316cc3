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
    // Guarded by this: the clock's value is anchorValue + (real - anchorReal) * rate.
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
    public long getAsLong() {
        if (due()) {
            // Read outside the lock: lease reads on other threads need not wait for the disk.
            double next = readRate();
            if (next > 0) {
                synchronized (this) {
                    long now = real.getAsLong();
                    if (next != rate) {
                        anchorValue = at(now);
                        anchorReal = now;
                        rate = next;
                    }
                }
            }
        }
        synchronized (this) {
            return at(real.getAsLong());
        }
    }

    /** True once per re-read interval: the caller reads the file. */
    private synchronized boolean due() {
        long now = real.getAsLong();
        if (now - nextRead < 0) {
            return false;
        }
        nextRead = now + REREAD_NANOS;
        return true;
    }

    private long at(long now) {
        return anchorValue + (long) ((now - anchorReal) * rate);
    }

    /** The file's rate, or -1 when it is missing, unreadable or not positive (the rate stays). */
    private double readRate() {
        try {
            double r = Double.parseDouble(Files.readString(file).strip());
            return r > 0 && Double.isFinite(r) ? r : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
