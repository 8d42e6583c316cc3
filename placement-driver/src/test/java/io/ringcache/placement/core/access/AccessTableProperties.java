package io.ringcache.placement.core.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any sequence of access changes, applied or refused, against a reference model of users, roles
 * and grants: a refused change leaves the table as it was; while auth is on some user holds
 * admin; and every key check agrees with the model's brute-force answer.
 */
class AccessTableProperties {

    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final List<String> PREFIXES = List.of("", "k", "k/", "k/1", "z");
    private static final List<String> KEYS = List.of("", "k", "k/", "k/1", "k/2", "kx", "z", "zz", "q");

    @Property(tries = 300)
    void tableAgreesWithAModelAndKeepsItsInvariants(@ForAll("changes") List<AccessChange> changes) {
        AccessTable t = AccessTable.EMPTY;
        for (AccessChange c : changes) {
            AccessTable before = t;
            try {
                t = t.apply(c);
                assertEquals(before.revision() + 1, t.revision());
            } catch (AccessChangeException refused) {
                assertEquals(before, t);
            }
            if (t.enabled()) {
                AccessTable now = t;
                assertTrue(t.users().keySet().stream().anyMatch(u -> now.checkAdmin(Principal.user(u)) == Verdict.ALLOWED));
            }
            for (String user : NAMES) {
                for (String key : KEYS) {
                    for (Right right : Right.values()) {
                        assertEquals(model(t, user, right, key), t.check(Principal.user(user), right,
                                key.getBytes(StandardCharsets.UTF_8)), user + " " + right + " " + key);
                    }
                }
            }
        }
    }

    /** The brute-force answer: walk the user's roles and their grants. */
    private static Verdict model(AccessTable t, String user, Right right, String key) {
        if (!t.enabled()) {
            return Verdict.ALLOWED;
        }
        User u = t.users().get(user);
        if (u == null) {
            return Verdict.UNAUTHENTICATED;
        }
        for (String roleName : u.roles()) {
            Role r = t.roles().get(roleName);
            for (KeyPermission p : r.keys()) {
                String prefix = new String(p.prefix(), StandardCharsets.UTF_8);
                if (key.startsWith(prefix) && (right == Right.READ ? p.read() : p.write())) {
                    return Verdict.ALLOWED;
                }
            }
        }
        return Verdict.DENIED;
    }

    @Provide
    Arbitrary<List<AccessChange>> changes() {
        Arbitrary<String> name = Arbitraries.of(NAMES);
        Arbitrary<String> prefix = Arbitraries.of(PREFIXES);
        Arbitrary<AccessChange> change = Arbitraries.oneOf(
                Arbitraries.just(new AccessChange.Enable()),
                Arbitraries.just(new AccessChange.Disable()),
                name.map(n -> new AccessChange.AddUser(n, "")),
                name.map(AccessChange.DeleteUser::new),
                Combinators.combine(name, name).as(AccessChange.GrantRole::new),
                Combinators.combine(name, name).as(AccessChange.RevokeRole::new),
                name.map(AccessChange.AddRole::new),
                name.map(AccessChange.DeleteRole::new),
                name.map(AccessChange.GrantAdmin::new),
                name.map(AccessChange.RevokeAdmin::new),
                Combinators.combine(name, prefix, Arbitraries.integers().between(1, 3)).as((r, p, rw) ->
                        new AccessChange.GrantKeys(r, new KeyPermission(p.getBytes(StandardCharsets.UTF_8), (rw & 1) != 0,
                                (rw & 2) != 0))),
                Combinators.combine(name, prefix).as((r, p) -> new AccessChange.RevokeKeys(r, p.getBytes(StandardCharsets.UTF_8))));
        return change.list().ofMaxSize(40);
    }
}
