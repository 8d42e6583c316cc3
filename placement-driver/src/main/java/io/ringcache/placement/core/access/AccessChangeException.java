package io.ringcache.placement.core.access;

/** Why an {@link AccessChange} was refused; {@link #kind()} picks the typed error each front door shows. */
public final class AccessChangeException extends Exception {

    public enum Kind {
        /** A malformed name, hash or prefix. */
        INVALID,
        NOT_FOUND,
        ALREADY_EXISTS,
        /** The change is well formed but the table's state forbids it (it would lock every admin out). */
        PRECONDITION
    }

    private final Kind kind;

    public AccessChangeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
