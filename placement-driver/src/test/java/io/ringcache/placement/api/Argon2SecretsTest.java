package io.ringcache.placement.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.placement.core.access.Credentials;
import org.junit.jupiter.api.Test;

class Argon2SecretsTest {

    @Test
    void aHashChecksItsPasswordOnlyAndIsSaltedAPhcString() {
        String hash = Argon2Secrets.hash("correct horse");
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertFalse(hash.contains("correct"));
        assertNotEquals(hash, Argon2Secrets.hash("correct horse"), "a fresh salt each time");
        Argon2Secrets secrets = new Argon2Secrets();
        assertTrue(secrets.passwordMatches(hash, "correct horse"));
        assertTrue(secrets.passwordMatches(hash, "correct horse"), "again, from the memo");
        assertFalse(secrets.passwordMatches(hash, "correct horse "));
        assertFalse(secrets.passwordMatches(hash, ""));
    }

    @Test
    void malformedOrHostileHashesNeverMatch() {
        Argon2Secrets secrets = new Argon2Secrets();
        for (String bad : new String[] {"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaA", "$argon2id$v=19$m=x,t=2,p=1$c2FsdA$aGFzaA"}) {
            assertFalse(secrets.passwordMatches(bad, "anything"), bad);
        }
    }

    @Test
    void tokensAreRandomAndDigestedWithSha256() {
        String a = Argon2Secrets.newToken();
        assertTrue(a.startsWith("rct_") && a.length() > 40, a);
        assertNotEquals(a, Argon2Secrets.newToken());
        Argon2Secrets secrets = new Argon2Secrets();
        assertEquals(64, secrets.tokenDigest(a).length());
        // SHA-256("abc")
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", secrets.tokenDigest("abc"));
    }

    @Test
    void theAuthorizationValueCarriesBasicOrBearer() {
        assertEquals(Credentials.password("alice", "pa:ss"), AuthorizationHeader.parse(AuthorizationHeader.basic("alice", "pa:ss")));
        assertEquals(Credentials.token("rct_x"), AuthorizationHeader.parse("bearer rct_x"));
        assertEquals(Credentials.NONE, AuthorizationHeader.parse(null));
        assertThrows(IllegalArgumentException.class, () -> AuthorizationHeader.parse("Basic !!!"));
        assertThrows(IllegalArgumentException.class, () -> AuthorizationHeader.parse("Basic " + java.util.Base64.getEncoder()
                .encodeToString("nocolon".getBytes())));
        assertThrows(IllegalArgumentException.class, () -> AuthorizationHeader.parse("Digest x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AuthorizationHeader.parse("Basic " + java.util.Base64.getEncoder().encodeToString("u".getBytes())));
        assertFalse(e.getMessage().contains("u:"), "names no secret");
    }
}
