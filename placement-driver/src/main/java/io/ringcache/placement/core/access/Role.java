package io.ringcache.placement.core.access;

import java.util.List;

/**
 * A named set of rights: key permissions by prefix, and {@code admin} (placement operations,
 * user and role management, profiling). Users hold roles; a user's rights are the union of its
 * roles'. At most one permission per prefix (granting again widens it).
 */
public record Role(String name, boolean admin, List<KeyPermission> keys) {

    public Role {
        keys = List.copyOf(keys);
    }
}
