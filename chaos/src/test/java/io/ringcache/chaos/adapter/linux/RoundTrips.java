package io.ringcache.chaos.adapter.linux;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP echo server and a client that times round trips through it, run as processes inside the
 * fault suite's namespaces by {@link NetnsDelayIT}: {@code serve PORT} answers every byte it reads;
 * {@code measure HOST PORT N} prints the fastest of N one-byte round trips in milliseconds.
 */
public final class RoundTrips {

    private RoundTrips() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(Integer.parseInt(args[1])));
                System.out.println("listening");
                System.out.flush();
                while (true) {
                    Socket s = server.accept();
                    Thread echo = new Thread(() -> {
                        try (s) {
                            s.setTcpNoDelay(true);
                            int b;
                            while ((b = s.getInputStream().read()) >= 0) {
                                s.getOutputStream().write(b);
                            }
                        } catch (Exception e) {
                            // the client went away
                        }
                    });
                    echo.setDaemon(true);
                    echo.start();
                }
            }
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 10_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            long fastest = Long.MAX_VALUE;
            for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                long t = System.nanoTime();
                out.write(i);
                out.flush();
                in.readUnsignedByte();
                fastest = Math.min(fastest, System.nanoTime() - t);
            }
            System.out.println(fastest / 1_000_000);
        }
    }
}
