package io.ringcache.placement.core.access;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTableTest {

    static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

    /** alice: readwrite on app/; rob: read on app/; root: admin. Auth on. */
    static AccessTable sample() throws AccessChangeException {
        return apply(AccessTable.EMPTY,
                new AccessChange.AddRole("app"), new AccessChange.GrantKeys("app", perm("app/", true, true)),
                new AccessChange.AddRole("reader"), new AccessChange.GrantKeys("reader", perm("app/", true, false)),
                new AccessChange.AddRole("ops"), new AccessChange.GrantAdmin("ops"),
                new AccessChange.AddUser("alice", HASH), new AccessChange.GrantRole("alice", "app"),
                new AccessChange.AddUser("rob", HASH), new AccessChange.GrantRole("rob", "reader"),
                new AccessChange.AddUser("root", HASH), new AccessChange.GrantRole("root", "ops"),
                new AccessChange.Enable());
    }

    static AccessTable apply(AccessTable t, AccessChange... changes) throws AccessChangeException {
        for (AccessChange c : changes) {
            t = t.apply(c);
        }
        return t;
    }

    static KeyPermission perm(String prefix, boolean read, boolean write) {
        return new KeyPermission(prefix.getBytes(UTF_8), read, write);
    }

    static byte[] key(String k) {
        return k.getBytes(UTF_8);
    }

    @Test
    void authOffAllowsEveryoneEverything() {
        assertEquals(Verdict.ALLOWED, AccessTable.EMPTY.check(Principal.ANONYMOUS, Right.WRITE, key("x")));
        assertEquals(Verdict.ALLOWED, AccessTable.EMPTY.checkAdmin(Principal.ANONYMOUS));
    }

    @Test
    void rightsFollowRolesAndPrefixes() throws Exception {
        AccessTable t = sample();
        Principal alice = Principal.user("alice");
        Principal rob = Principal.user("rob");
        assertEquals(Verdict.ALLOWED, t.check(alice, Right.WRITE, key("app/1")));
        assertEquals(Verdict.ALLOWED, t.check(alice, Right.READ, key("app/")));
        assertEquals(Verdict.DENIED, t.check(alice, Right.READ, key("ap")));
        assertEquals(Verdict.DENIED, t.check(alice, Right.READ, key("other/1")));
        assertEquals(Verdict.ALLOWED, t.check(rob, Right.READ, key("app/1")));
        assertEquals(Verdict.DENIED, t.check(rob, Right.WRITE, key("app/1")));
        assertEquals(Verdict.UNAUTHENTICATED, t.check(Principal.ANONYMOUS, Right.READ, key("app/1")));
        assertEquals(Verdict.UNAUTHENTICATED, t.check(Principal.user("ghost"), Right.READ, key("app/1")));
        assertEquals(Verdict.ALLOWED, t.check(Principal.MEMBER, Right.WRITE, key("anything")));
        assertEquals(Verdict.ALLOWED, t.checkAdmin(Principal.user("root")));
        assertEquals(Verdict.DENIED, t.checkAdmin(alice));
        assertEquals(Verdict.ALLOWED, t.checkSignedIn(rob));
        assertEquals(Verdict.UNAUTHENTICATED, t.checkSignedIn(Principal.ANONYMOUS));
    }

    @Test
    void theEmptyPrefixCoversTheWholeKeyspace() throws Exception {
        AccessTable t = apply(sample(), new AccessChange.GrantKeys("reader", perm("", true, false)));
        assertEquals(Verdict.ALLOWED, t.check(Principal.user("rob"), Right.READ, new byte[0]));
        assertEquals(Verdict.ALLOWED, t.check(Principal.user("rob"), Right.READ, key("zzz")));
        assertEquals(Verdict.DENIED, t.check(Principal.user("alice"), Right.READ, new byte[0]));
    }

    @Test
    void grantingAgainWidensAndRevokeRemovesExactlyThatPrefix() throws Exception {
        AccessTable t = apply(sample(), new AccessChange.GrantKeys("reader", perm("app/", false, true)));
        assertEquals(List.of(perm("app/", true, true)), t.roles().get("reader").keys());
        t = apply(t, new AccessChange.RevokeKeys("reader", key("app/")));
        assertEquals(Verdict.DENIED, t.check(Principal.user("rob"), Right.READ, key("app/1")));
        AccessTable before = t;
        AccessChangeException e = assertThrows(AccessChangeException.class,
                () -> before.apply(new AccessChange.RevokeKeys("reader", key("app/"))));
        assertEquals(AccessChangeException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void enablingNeedsAnAdminAndNothingMayLockTheAdminsOut() throws Exception {
        AccessTable noAdmin = apply(AccessTable.EMPTY, new AccessChange.AddUser("alice", HASH));
        AccessChangeException e = assertThrows(AccessChangeException.class, () -> noAdmin.apply(new AccessChange.Enable()));
        assertEquals(AccessChangeException.Kind.PRECONDITION, e.kind());
        AccessTable t = sample();
        for (AccessChange lockOut : List.of(new AccessChange.DeleteUser("root"), new AccessChange.RevokeRole("root", "ops"),
                new AccessChange.DeleteRole("ops"), new AccessChange.RevokeAdmin("ops"))) {
            assertEquals(AccessChangeException.Kind.PRECONDITION,
                    assertThrows(AccessChangeException.class, () -> t.apply(lockOut)).kind(), lockOut.toString());
        }
        // With auth off the same changes are fine.
        AccessTable off = t.apply(new AccessChange.Disable());
        assertFalse(off.apply(new AccessChange.DeleteUser("root")).users().containsKey("root"));
    }

    @Test
    void badNamesAndDuplicatesAreRefusedWithTheirKind() throws Exception {
        AccessTable t = sample();
        assertEquals(AccessChangeException.Kind.INVALID, assertThrows(AccessChangeException.class,
                () -> t.apply(new AccessChange.AddUser("bad name", ""))).kind());
        assertEquals(AccessChangeException.Kind.INVALID, assertThrows(AccessChangeException.class,
                () -> t.apply(new AccessChange.AddUser("", ""))).kind());
        assertEquals(AccessChangeException.Kind.ALREADY_EXISTS, assertThrows(AccessChangeException.class,
                () -> t.apply(new AccessChange.AddUser("alice", ""))).kind());
        assertEquals(AccessChangeException.Kind.NOT_FOUND, assertThrows(AccessChangeException.class,
                () -> t.apply(new AccessChange.GrantRole("alice", "nope"))).kind());
        assertEquals(AccessChangeException.Kind.INVALID, assertThrows(AccessChangeException.class,
                () -> t.apply(new AccessChange.AddToken("alice", new AccessToken("zz", 0, 0)))).kind());
    }

    @Test
    void deletingARoleTakesItFromItsUsers() throws Exception {
        AccessTable t = apply(sample(), new AccessChange.DeleteRole("reader"));
        assertFalse(t.users().get("rob").roles().contains("reader"));
        assertEquals(Verdict.DENIED, t.check(Principal.user("rob"), Right.READ, key("app/1")));
    }

    @Test
    void tokensAreFoundByDigestUntilTheyExpireOrAreRevoked() throws Exception {
        String digest = "a".repeat(64);
        AccessTable t = apply(sample(), new AccessChange.AddToken("alice", new AccessToken(digest, 1_000, 5_000)));
        assertEquals("alice", t.tokenOwner(digest, 4_999).orElseThrow());
        assertTrue(t.tokenOwner(digest, 5_000).isEmpty());
        assertTrue(t.tokenOwner("b".repeat(64), 0).isEmpty());
        assertTrue(apply(t, new AccessChange.RevokeTokens("alice")).tokenOwner(digest, 0).isEmpty());
        assertTrue(apply(t, new AccessChange.DeleteUser("alice")).tokenOwner(digest, 0).isEmpty());
    }

    @Test
    void everyChangeMakesTheNextRevision() throws Exception {
        AccessTable t = sample();
        assertEquals(t.revision() + 1, t.apply(new AccessChange.AddRole("x")).revision());
    }
}
