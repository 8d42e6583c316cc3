package io.ringcache.placement.core.access;

import io.ringcache.placement.core.access.AccessChangeException.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Users, roles and whether authentication is on: the part of the placement driver's replicated
 * state that says who may do what (etcd's auth model, with key prefixes for key ranges). Every
 * store keeps the latest copy placement sent it and checks each request against it.
 *
 * <p>Immutable; {@link #apply} makes the next table with the next revision. Invariant: while auth
 * is enabled, at least one user holds a role with {@code admin}, so an operator can always
 * manage the table (a change that would break this is refused). Each user's rights are flattened
 * once per table into prefix arrays, so a check costs a few array comparisons and no allocation.
 */
public final class AccessTable {

    /** Auth off, no users, no roles: a new cluster, where every request is allowed. */
    public static final AccessTable EMPTY = new AccessTable(0, false, Map.of(), Map.of());

    /** What a user or role may be called: etcd's and Redis' names fit. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}");
    private static final int MAX_HASH_CHARS = 512;
    private static final int MAX_PREFIX_BYTES = 4096;
    private static final int MAX_TOKENS_PER_USER = 64;

    private final long revision;
    private final boolean enabled;
    private final Map<String, User> users;
    private final Map<String, Role> roles;
    private final Map<String, Rights> rights = new HashMap<>();
    private final Map<String, String> tokenOwners = new HashMap<>();

    /** One user's rights, flattened from its roles. */
    private record Rights(byte[][] read, byte[][] write, boolean admin) {
    }

    public AccessTable(long revision, boolean enabled, Map<String, User> users, Map<String, Role> roles) {
        this.revision = revision;
        this.enabled = enabled;
        this.users = java.util.Collections.unmodifiableMap(new TreeMap<>(users));
        this.roles = java.util.Collections.unmodifiableMap(new TreeMap<>(roles));
        for (User u : this.users.values()) {
            List<byte[]> read = new ArrayList<>();
            List<byte[]> write = new ArrayList<>();
            boolean admin = false;
            for (String roleName : u.roles()) {
                Role role = this.roles.get(roleName);
                if (role == null) {
                    continue;
                }
                admin |= role.admin();
                for (KeyPermission p : role.keys()) {
                    if (p.read()) {
                        read.add(p.prefix());
                    }
                    if (p.write()) {
                        write.add(p.prefix());
                    }
                }
            }
            rights.put(u.name(), new Rights(read.toArray(new byte[0][]), write.toArray(new byte[0][]), admin));
            for (AccessToken t : u.tokens()) {
                tokenOwners.put(t.digest(), u.name());
            }
        }
    }

    public long revision() {
        return revision;
    }

    public boolean enabled() {
        return enabled;
    }

    public Map<String, User> users() {
        return users;
    }

    public Map<String, Role> roles() {
        return roles;
    }

    public Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** The user a token with {@code digest} belongs to, if it is still valid at {@code nowMillis}. */
    public Optional<String> tokenOwner(String digest, long nowMillis) {
        String owner = tokenOwners.get(digest);
        if (owner == null) {
            return Optional.empty();
        }
        for (AccessToken t : users.get(owner).tokens()) {
            if (t.digest().equals(digest)) {
                return t.expiredAt(nowMillis) ? Optional.empty() : Optional.of(owner);
            }
        }
        return Optional.empty();
    }

    /** May {@code who} do {@code right} to {@code key}? Everyone may while auth is off; members always may. */
    public Verdict check(Principal who, Right right, byte[] key) {
        if (!enabled || who instanceof Principal.Member) {
            return Verdict.ALLOWED;
        }
        Rights r = who instanceof Principal.Named n ? rights.get(n.user()) : null;
        if (r == null) {
            return Verdict.UNAUTHENTICATED;
        }
        for (byte[] prefix : right == Right.READ ? r.read : r.write) {
            if (KeyPermission.covers(prefix, key)) {
                return Verdict.ALLOWED;
            }
        }
        return Verdict.DENIED;
    }

    /** May {@code who} run placement operations, manage users and roles, and profile? */
    public Verdict checkAdmin(Principal who) {
        if (!enabled || who instanceof Principal.Member) {
            return Verdict.ALLOWED;
        }
        Rights r = who instanceof Principal.Named n ? rights.get(n.user()) : null;
        return r == null ? Verdict.UNAUTHENTICATED : r.admin ? Verdict.ALLOWED : Verdict.DENIED;
    }

    /** Is {@code who} anyone at all (what read-only cluster views need)? */
    public Verdict checkSignedIn(Principal who) {
        if (!enabled || who instanceof Principal.Member) {
            return Verdict.ALLOWED;
        }
        return who instanceof Principal.Named n && users.containsKey(n.user()) ? Verdict.ALLOWED : Verdict.UNAUTHENTICATED;
    }

    /** The table after {@code change}, with the next revision; refused whole when it cannot apply. */
    public AccessTable apply(AccessChange change) throws AccessChangeException {
        Map<String, User> u = new TreeMap<>(users);
        Map<String, Role> r = new TreeMap<>(roles);
        boolean on = enabled;
        if (change instanceof AccessChange.Enable) {
            on = true;
        } else if (change instanceof AccessChange.Disable) {
            on = false;
        } else if (change instanceof AccessChange.AddUser c) {
            name(c.user(), "user");
            hash(c.passwordHash());
            if (u.containsKey(c.user())) {
                throw new AccessChangeException(Kind.ALREADY_EXISTS, "user " + c.user() + " already exists");
            }
            u.put(c.user(), new User(c.user(), c.passwordHash(), Set.of(), List.of()));
        } else if (change instanceof AccessChange.DeleteUser c) {
            u.remove(existingUser(c.user()).name());
        } else if (change instanceof AccessChange.SetPassword c) {
            User old = existingUser(c.user());
            hash(c.passwordHash());
            u.put(old.name(), new User(old.name(), c.passwordHash(), old.roles(), old.tokens()));
        } else if (change instanceof AccessChange.GrantRole c) {
            User old = existingUser(c.user());
            existingRole(c.role());
            Set<String> next = new TreeSet<>(old.roles());
            next.add(c.role());
            u.put(old.name(), new User(old.name(), old.passwordHash(), next, old.tokens()));
        } else if (change instanceof AccessChange.RevokeRole c) {
            User old = existingUser(c.user());
            if (!old.roles().contains(c.role())) {
                throw new AccessChangeException(Kind.NOT_FOUND, "user " + c.user() + " does not hold role " + c.role());
            }
            Set<String> next = new TreeSet<>(old.roles());
            next.remove(c.role());
            u.put(old.name(), new User(old.name(), old.passwordHash(), next, old.tokens()));
        } else if (change instanceof AccessChange.AddToken c) {
            User old = existingUser(c.user());
            if (!c.token().digest().matches("[0-9a-f]{64}")) {
                throw new AccessChangeException(Kind.INVALID, "a token digest is 64 hex digits");
            }
            if (tokenOwners.containsKey(c.token().digest())) {
                throw new AccessChangeException(Kind.ALREADY_EXISTS, "that token is already issued");
            }
            List<AccessToken> tokens = new ArrayList<>(old.tokens());
            tokens.add(c.token());
            if (tokens.size() > MAX_TOKENS_PER_USER) {
                throw new AccessChangeException(Kind.PRECONDITION, "user " + c.user() + " already holds "
                        + MAX_TOKENS_PER_USER + " tokens: revoke them first");
            }
            u.put(old.name(), new User(old.name(), old.passwordHash(), old.roles(), tokens));
        } else if (change instanceof AccessChange.RevokeTokens c) {
            User old = existingUser(c.user());
            u.put(old.name(), new User(old.name(), old.passwordHash(), old.roles(), List.of()));
        } else if (change instanceof AccessChange.AddRole c) {
            name(c.role(), "role");
            if (r.containsKey(c.role())) {
                throw new AccessChangeException(Kind.ALREADY_EXISTS, "role " + c.role() + " already exists");
            }
            r.put(c.role(), new Role(c.role(), false, List.of()));
        } else if (change instanceof AccessChange.DeleteRole c) {
            r.remove(existingRole(c.role()).name());
            for (User old : users.values()) {
                if (old.roles().contains(c.role())) {
                    Set<String> next = new TreeSet<>(old.roles());
                    next.remove(c.role());
                    u.put(old.name(), new User(old.name(), old.passwordHash(), next, old.tokens()));
                }
            }
        } else if (change instanceof AccessChange.GrantKeys c) {
            Role old = existingRole(c.role());
            if (c.permission().prefix().length > MAX_PREFIX_BYTES) {
                throw new AccessChangeException(Kind.INVALID, "a prefix is at most " + MAX_PREFIX_BYTES + " bytes");
            }
            List<KeyPermission> keys = new ArrayList<>();
            KeyPermission granted = c.permission();
            for (KeyPermission p : old.keys()) {
                if (p.samePrefix(granted.prefix())) {
                    granted = p.plus(granted);
                } else {
                    keys.add(p);
                }
            }
            keys.add(granted);
            r.put(old.name(), new Role(old.name(), old.admin(), keys));
        } else if (change instanceof AccessChange.RevokeKeys c) {
            Role old = existingRole(c.role());
            List<KeyPermission> keys = new ArrayList<>(old.keys());
            if (!keys.removeIf(p -> p.samePrefix(c.prefix()))) {
                throw new AccessChangeException(Kind.NOT_FOUND, "role " + c.role() + " has no permission on "
                        + KeyPermission.printable(c.prefix()));
            }
            r.put(old.name(), new Role(old.name(), old.admin(), keys));
        } else if (change instanceof AccessChange.GrantAdmin c) {
            Role old = existingRole(c.role());
            r.put(old.name(), new Role(old.name(), true, old.keys()));
        } else if (change instanceof AccessChange.RevokeAdmin c) {
            Role old = existingRole(c.role());
            r.put(old.name(), new Role(old.name(), false, old.keys()));
        }
        AccessTable next = new AccessTable(revision + 1, on, u, r);
        if (on && !next.anyAdmin()) {
            throw new AccessChangeException(Kind.PRECONDITION, enabled
                    ? "refused: no user would hold a role with admin, and nobody could manage access again"
                    : "auth needs a user holding a role with admin first (ringctl role add ROLE; ringctl role grant"
                    + " ROLE admin; ringctl user add USER; ringctl user grant-role USER ROLE)");
        }
        return next;
    }

    private boolean anyAdmin() {
        return rights.values().stream().anyMatch(Rights::admin);
    }

    private User existingUser(String name) throws AccessChangeException {
        User u = users.get(name);
        if (u == null) {
            throw new AccessChangeException(Kind.NOT_FOUND, "no user " + name);
        }
        return u;
    }

    private Role existingRole(String name) throws AccessChangeException {
        Role r = roles.get(name);
        if (r == null) {
            throw new AccessChangeException(Kind.NOT_FOUND, "no role " + name);
        }
        return r;
    }

    private static void name(String name, String what) throws AccessChangeException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new AccessChangeException(Kind.INVALID, "a " + what + " name is 1 to 64 letters, digits or ._@:-"
                    + " and starts with a letter or digit: " + name);
        }
    }

    private static void hash(String hash) throws AccessChangeException {
        if (hash.length() > MAX_HASH_CHARS || hash.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new AccessChangeException(Kind.INVALID, "a password hash is at most " + MAX_HASH_CHARS
                    + " printable characters");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessTable t && t.revision == revision && t.enabled == enabled && t.users.equals(users)
                && t.roles.equals(roles);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(revision) * 31 + users.hashCode();
    }

    @Override
    public String toString() {
        return "AccessTable[revision=" + revision + ", enabled=" + enabled + ", users=" + users.keySet() + ", roles="
                + roles.keySet() + "]";
    }
}
