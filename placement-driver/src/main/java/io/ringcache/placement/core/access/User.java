package io.ringcache.placement.core.access;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A user: a name, a password hash (empty: no password; the user then signs in with a token or a
 * client certificate whose common name is the user's name), its roles and its tokens' digests.
 * Never holds a secret in clear.
 */
public record User(String name, String passwordHash, Set<String> roles, List<AccessToken> tokens) {

    public User {
        roles = java.util.Collections.unmodifiableSet(new TreeSet<>(roles));
        tokens = List.copyOf(tokens);
    }

    public boolean hasPassword() {
        return !passwordHash.isEmpty();
    }
}
