package io.ringcache.node.adapter.resp;

import io.ringcache.placement.core.access.Principal;

/** One connection's state: the protocol it speaks (2, or 3 after {@code HELLO 3}), its name, id and caller. */
final class RespSession {

    final long id;
    volatile int protocol = 2;
    volatile String name;
    /** Set by QUIT: the connection closes once this command's reply is out. */
    volatile boolean closing;
    /**
     * Who sends this connection's commands: set from the TLS client certificate at the first
     * command (null before), then by AUTH or HELLO ... AUTH.
     */
    volatile Principal caller;
    /** The connection's TLS peer chain (null without TLS or certificate), kept for AUTH. */
    volatile java.security.cert.Certificate[] peer;
    /** Whether {@link #peer} was read from the connection (at its first command). */
    volatile boolean peerRead;

    RespSession(long id) {
        this.id = id;
    }
}
