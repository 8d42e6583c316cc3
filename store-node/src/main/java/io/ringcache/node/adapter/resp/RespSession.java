package io.ringcache.node.adapter.resp;

/** One connection's state: the protocol it speaks (2, or 3 after {@code HELLO 3}), its name and id. */
final class RespSession {

    final long id;
    volatile int protocol = 2;
    volatile String name;
    /** Set by QUIT: the connection closes once this command's reply is out. */
    volatile boolean closing;

    RespSession(long id) {
        this.id = id;
    }
}
