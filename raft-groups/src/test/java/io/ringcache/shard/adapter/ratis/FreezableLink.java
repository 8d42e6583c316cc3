package io.ringcache.shard.adapter.ratis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of one server port that can freeze its connections the way a
 * dropping firewall rule does, for tests of stuck connections.
 *
 * <p>While frozen, the relay stops reading from every connection it carries and from each one it
 * accepts, and keeps all of them open: the kernel buffers fill, the sender's TCP window closes,
 * and nothing errors. {@link #thaw()} lets connections accepted from then on pass bytes, but every
 * connection frozen before stays frozen until {@link #close()}: the worst case of a healed
 * partition, where the old connection never recovers and only a new one works.
 *
 * <p>Threads: one acceptor, and two relay threads per connection (one per direction), all daemons.
 */
final class FreezableLink implements AutoCloseable {

    private final int target;
    private final ServerSocket listener;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    /** Guards {@link #frozen} and every connection's own flag; relay threads wait on it. */
    private final Object lock = new Object();
    private boolean frozen;
    private volatile boolean closed;

    FreezableLink(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "freezable-link-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Stops every current and future connection from passing bytes, keeping them open. */
    void freeze() {
        synchronized (lock) {
            frozen = true;
            connections.forEach(c -> c.frozen = true);
        }
    }

    /** Connections accepted from now on pass bytes; the frozen ones stay frozen. */
    void thaw() {
        synchronized (lock) {
            frozen = false;
        }
    }

    /** How many connections the relay has accepted so far. */
    int accepted() {
        return connections.size();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = listener.accept();
                Socket out = new Socket();
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
                Connection c = new Connection(in, out);
                synchronized (lock) {
                    c.frozen = frozen;
                    connections.add(c);
                }
                c.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        synchronized (lock) {
            lock.notifyAll();
        }
        for (Connection c : connections) {
            c.close();
        }
    }

    private final class Connection {
        private final Socket in;
        private final Socket out;
        /** Guarded by {@link FreezableLink#lock}. */
        private boolean frozen;

        Connection(Socket in, Socket out) {
            this.in = in;
            this.out = out;
        }

        void start() throws IOException {
            relay(in.getInputStream(), out.getOutputStream(), "in");
            relay(out.getInputStream(), in.getOutputStream(), "out");
        }

        private void relay(InputStream from, OutputStream to, String direction) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    while (true) {
                        awaitUnfrozen();
                        int n = from.read(buffer);
                        if (n < 0) {
                            break;
                        }
                        awaitUnfrozen();
                        to.write(buffer, 0, n);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by either side or by close(): end this direction
                } finally {
                    close();
                }
            }, "freezable-link-" + target + "-" + direction);
            t.setDaemon(true);
            t.start();
        }

        private void awaitUnfrozen() throws InterruptedException, IOException {
            synchronized (lock) {
                while (frozen && !closed) {
                    lock.wait();
                }
            }
            if (closed) {
                throw new IOException("link closed");
            }
        }

        void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                out.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
