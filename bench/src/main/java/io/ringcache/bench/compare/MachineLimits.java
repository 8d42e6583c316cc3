package io.ringcache.bench.compare;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * What the machine itself allows, measured in the same run as the stores so the figures can be
 * read against them: how many request/response round trips one loopback TCP connection carries
 * per second (one byte each way, Nagle off, one outstanding), which bounds any one-at-a-time
 * client, and how many 4 KiB write + fdatasync pairs one file takes per second, which bounds any
 * store that syncs its log before answering (etcd, ringcache) unless it batches.
 */
public final class MachineLimits {

    /** The two rates, per second, each measured alone for {@code each}. */
    public record Limits(double roundTripsPerSecond, double fsyncsPerSecond, Duration each, Path fsyncDir) {
    }

    private static final int FSYNC_BYTES = 4096;
    /** The probe rewrites a preallocated file in a cycle, as a preallocated write-ahead log segment would be. */
    private static final int FSYNC_FILE_BYTES = 16 << 20;

    private MachineLimits() {
    }

    public static Limits measure(Duration each, Path dir) throws IOException, InterruptedException {
        return new Limits(loopbackRoundTrips(each), fsyncs(each, dir), each, dir);
    }

    static double loopbackRoundTrips(Duration duration) throws IOException, InterruptedException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            Thread echo = new Thread(() -> echo(server), "loopback-echo");
            echo.setDaemon(true);
            echo.start();
            long count = 0;
            double seconds;
            try (Socket client = new Socket()) {
                client.setTcpNoDelay(true);
                client.connect(new InetSocketAddress(loopback, server.getLocalPort()), 5_000);
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                long now = start;
                while (now < end) {
                    out.write(1);
                    if (in.read() < 0) {
                        throw new IOException("loopback echo closed early");
                    }
                    count++;
                    now = System.nanoTime();
                }
                seconds = (now - start) / 1e9;
            }
            echo.join(5_000);
            return count / seconds;
        }
    }

    /** Echoes each byte back until the client closes. */
    private static void echo(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
            }
        } catch (IOException e) {
            // The client side reports a broken probe; the echo thread just ends.
        }
    }

    static double fsyncs(Duration duration, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocateDirect(FSYNC_BYTES);
            for (long pos = 0; pos < FSYNC_FILE_BYTES; pos += FSYNC_BYTES) {
                block.clear();
                ch.write(block, pos);
            }
            ch.force(true);
            long count = 0;
            long pos = 0;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long now = start;
            while (now < end) {
                block.clear();
                block.put(0, (byte) count);
                ch.write(block, pos);
                ch.force(false);
                pos = (pos + FSYNC_BYTES) % FSYNC_FILE_BYTES;
                count++;
                now = System.nanoTime();
            }
            return count / ((now - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
