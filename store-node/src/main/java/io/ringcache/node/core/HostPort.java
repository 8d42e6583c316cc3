package io.ringcache.node.core;

/**
 * A listen or advertise address in the seed's forms: {@code :8080} (all interfaces),
 * {@code host:8080}, or {@code [::1]:8080}. Port 0 means any free port.
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Parses {@code [host]:port}; an empty host means every interface. */
    public static HostPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an address is required, as host:port or :port");
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not host:port or :port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid port");
        }
        return new HostPort(host, port);
    }

    /** True when the host names every interface (empty or 0.0.0.0). */
    public boolean anyHost() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    /** host:port for others to dial, with {@code fallbackHost} when this one binds every interface. */
    public String advertised(String fallbackHost, int boundPort) {
        String h = anyHost() ? fallbackHost : host;
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + boundPort;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
