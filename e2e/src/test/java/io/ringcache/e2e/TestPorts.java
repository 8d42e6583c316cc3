package io.ringcache.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Listening ports for the processes a test starts, taken <em>below</em> the kernel's ephemeral
 * range.
 *
 * <p>Why not {@code new ServerSocket(0)}: the kernel hands that port out of the ephemeral range,
 * the same range it draws the source port of every outgoing connection from. Between the test
 * choosing the port and the child process binding it (a JVM start, a second or more), any of the
 * cluster's own client connections may take it as its source port, and the child then dies with
 * "Address already in use" (seen once: a placement-driver member lost its Raft port, so the PD
 * group had no majority after its leader was killed). Ports below the range are never used as
 * source ports, so only another listener can take them, and this class walks them in order from a
 * random start per JVM, checking each is free.
 */
final class TestPorts {

    /** The lowest port handed out; above the well-known and most registered service ports. */
    private static final int LOW = 20_000;

    private static final int HIGH = ephemeralLow() - 1;
    private static final AtomicInteger NEXT = new AtomicInteger(
            HIGH > LOW ? LOW + ThreadLocalRandom.current().nextInt(HIGH - LOW) : 0);

    private TestPorts() {
    }

    /** A port nobody listens on now, below the ephemeral range when the range leaves room. */
    static int free() throws IOException {
        if (HIGH <= LOW) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
        for (int tries = 0; tries < HIGH - LOW; tries++) {
            int port = LOW + Math.floorMod(NEXT.getAndIncrement() - LOW, HIGH - LOW + 1);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IOException("no free port in " + LOW + "-" + HIGH);
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range (32768 when it cannot be read). */
    private static int ephemeralLow() {
        try {
            // Not Files.readString: procfs reports a size of 0, and readString then returned only
            // the first byte ("3"), so every port came from the ephemeral range after all.
            String[] range = String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")))
                    .trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
