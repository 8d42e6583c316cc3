package io.ringcache.placement.core.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AuthenticatorTest {

    /** A fake of the cryptography: a password matches a hash "h:" + password; a token's digest is 64 x its first letter. */
    private static final SecretCheck FAKE = new SecretCheck() {
        @Override
        public boolean passwordMatches(String storedHash, String password) {
            return storedHash.equals("h:" + password);
        }

        @Override
        public String tokenDigest(String token) {
            return String.valueOf(token.charAt(0)).repeat(64);
        }
    };

    private final Authenticator authenticator = new Authenticator(FAKE);

    private static AccessTable table() throws AccessChangeException {
        return AccessTableTest.apply(AccessTable.EMPTY,
                new AccessChange.AddRole("ops"), new AccessChange.GrantAdmin("ops"),
                new AccessChange.AddUser("alice", "h:secret"), new AccessChange.GrantRole("alice", "ops"),
                new AccessChange.AddUser("carol", ""),
                new AccessChange.AddToken("carol", new AccessToken("a".repeat(64), 0, 100)),
                new AccessChange.Enable());
    }

    private Principal accepted(Credentials c, long now) throws Exception {
        return assertInstanceOf(Authenticator.Accepted.class, authenticator.authenticate(table(), c, now)).principal();
    }

    private String refused(Credentials c, long now) throws Exception {
        return assertInstanceOf(Authenticator.Refused.class, authenticator.authenticate(table(), c, now)).reason();
    }

    @Test
    void passwordsTokensAndCertificates() throws Exception {
        assertEquals(Principal.user("alice"), accepted(Credentials.password("alice", "secret"), 0));
        assertEquals(Principal.user("carol"), accepted(Credentials.token("abc"), 99));
        assertEquals(Principal.user("carol"), accepted(Credentials.NONE.withCertificate("carol", false), 0));
        assertEquals(Principal.MEMBER, accepted(Credentials.NONE.withCertificate("node", true), 0));
        assertEquals(Principal.ANONYMOUS, accepted(Credentials.NONE, 0));
        assertEquals(Principal.ANONYMOUS, accepted(Credentials.NONE.withCertificate("stranger", false), 0));
    }

    @Test
    void credentialsThatNameSomeoneAndFailAreRefusedNotAnonymous() throws Exception {
        assertTrue(refused(Credentials.password("alice", "wrong"), 0).contains("invalid username-password"));
        assertTrue(refused(Credentials.password("nobody", "secret"), 0).contains("invalid username-password"));
        // A user without a password cannot sign in with one, even an empty one.
        assertTrue(refused(Credentials.password("carol", ""), 0).contains("invalid username-password"));
        assertTrue(refused(Credentials.token("abc"), 100).contains("expired"));
        assertTrue(refused(Credentials.token("zzz"), 0).contains("invalid or expired token"));
        // A password given with a certificate is still checked.
        assertTrue(refused(Credentials.password("alice", "wrong").withCertificate("carol", false), 0)
                .contains("invalid username-password"));
    }

    @Test
    void secretsNeverShowInText() {
        String shown = Credentials.password("alice", "hunter22").toString() + Credentials.token("rct_sekrit");
        assertTrue(!shown.contains("hunter22") && !shown.contains("sekrit"), shown);
    }
}
