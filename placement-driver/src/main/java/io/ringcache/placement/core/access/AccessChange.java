package io.ringcache.placement.core.access;

/**
 * One change to the access table, as `ringctl user|role|auth` asks for it. Applied by
 * {@link AccessTable#apply}; a change that cannot apply is refused whole and changes nothing.
 * Password hashes and token digests are computed by the caller: no secret in clear reaches the
 * placement driver's log.
 */
public sealed interface AccessChange {

    /** Turns authentication on: every request must then name a user (or be a member's). */
    record Enable() implements AccessChange {
    }

    record Disable() implements AccessChange {
    }

    /** A new user; {@code passwordHash} empty for one that signs in by token or certificate only. */
    record AddUser(String user, String passwordHash) implements AccessChange {
    }

    record DeleteUser(String user) implements AccessChange {
    }

    /** Replaces the user's password hash (empty: removes the password). */
    record SetPassword(String user, String passwordHash) implements AccessChange {
    }

    record GrantRole(String user, String role) implements AccessChange {
    }

    record RevokeRole(String user, String role) implements AccessChange {
    }

    /** Adds a bearer token (by digest) to the user. */
    record AddToken(String user, AccessToken token) implements AccessChange {
    }

    /** Revokes every token of the user. */
    record RevokeTokens(String user) implements AccessChange {
    }

    record AddRole(String role) implements AccessChange {
    }

    /** Deletes the role and takes it from every user holding it. */
    record DeleteRole(String role) implements AccessChange {
    }

    /** Grants the role {@code permission}; a permission already on that prefix is widened. */
    record GrantKeys(String role, KeyPermission permission) implements AccessChange {
    }

    /** Revokes the role's permission on exactly {@code prefix}. */
    record RevokeKeys(String role, byte[] prefix) implements AccessChange {
    }

    record GrantAdmin(String role) implements AccessChange {
    }

    record RevokeAdmin(String role) implements AccessChange {
    }
}
