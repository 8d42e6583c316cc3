package io.ringcache.placement.core.access;

/** Who a request comes from, once its credentials were checked. */
public sealed interface Principal {

    /** No credentials, or none that named anyone. */
    Principal ANONYMOUS = new Anonymous();
    /** A cluster member (a store or placement driver member, by its certificate): the cluster itself. */
    Principal MEMBER = new Member();

    record Anonymous() implements Principal {
    }

    record Member() implements Principal {
    }

    /** A user of the access table, by name; its rights are looked up afresh on every request. */
    record Named(String user) implements Principal {
    }

    static Principal user(String name) {
        return new Named(name);
    }
}
