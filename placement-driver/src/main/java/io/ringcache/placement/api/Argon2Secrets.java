package io.ringcache.placement.api;

import io.ringcache.placement.core.access.SecretCheck;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Passwords hashed with Argon2id (Bouncy Castle's implementation; OWASP's first choice of KDF)
 * and bearer tokens digested with SHA-256 (a token is 256 random bits, so a fast digest is as
 * strong as a slow one). Hashes are PHC strings:
 * <pre>
 *   $argon2id$v=19$m=19456,t=2,p=1$&lt;salt, base64 no padding&gt;$&lt;32-byte hash, base64 no padding&gt;
 * </pre>
 * with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): about 30-60 ms per check here.
 *
 * <p>A request that carries a password (gRPC metadata, HTTP Basic) is checked on every call, so
 * a password once verified is remembered as its SHA-256 beside the stored hash it matched: the
 * next check of the same pair costs one SHA-256. The memo is keyed by the stored hash, so a
 * changed password (a new salt, a new hash) never matches an old entry; it holds at most
 * {@link #MEMO_ENTRIES} pairs and forgets all when full. Wrong passwords are never memoised:
 * each costs a full Argon2 check, which is what slows guessing.
 */
public final class Argon2Secrets implements SecretCheck {

    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int LANES = 1;
    static final int HASH_BYTES = 32;
    static final int SALT_BYTES = 16;
    static final int MEMO_ENTRIES = 4096;
    private static final String TOKEN_PREFIX = "rct_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConcurrentHashMap<String, byte[]> verified = new ConcurrentHashMap<>();

    /** A new hash of {@code password} with a fresh salt. */
    public static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] out = argon2(password, salt, MEMORY_KIB, ITERATIONS, LANES, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + LANES + "$" + b64.encodeToString(salt)
                + "$" + b64.encodeToString(out);
    }

    /** A new bearer token: {@code rct_} and 256 random bits, base64url. */
    public static String newToken() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    @Override
    public String tokenDigest(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    @Override
    public boolean passwordMatches(String storedHash, String password) {
        byte[] digest = sha256(password);
        byte[] memo = verified.get(storedHash);
        if (memo != null && MessageDigest.isEqual(memo, digest)) {
            return true;
        }
        if (!check(storedHash, password)) {
            return false;
        }
        if (verified.size() >= MEMO_ENTRIES) {
            verified.clear();
        }
        verified.put(storedHash, digest);
        return true;
    }

    /** The full check: parses the PHC string and recomputes the hash; false when it does not parse. */
    static boolean check(String storedHash, String password) {
        String[] parts = storedHash.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        try {
            int m = 0;
            int t = 0;
            int p = 0;
            for (String kv : parts[3].split(",")) {
                int v = Integer.parseInt(kv.substring(2));
                switch (kv.substring(0, 2)) {
                    case "m=" -> m = v;
                    case "t=" -> t = v;
                    case "p=" -> p = v;
                    default -> {
                        return false;
                    }
                }
            }
            // Bounds keep a hostile hash from costing the store more than a proper one would.
            if (m < 8 || m > 256 * 1024 || t < 1 || t > 16 || p < 1 || p > 8) {
                return false;
            }
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] salt = b64.decode(parts[4]);
            byte[] expected = b64.decode(parts[5]);
            if (salt.length < 8 || expected.length < 16 || expected.length > 64) {
                return false;
            }
            return MessageDigest.isEqual(expected, argon2(password, salt, m, t, p, expected.length));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return false;
        }
    }

    private static byte[] argon2(String password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(memoryKib)
                .withIterations(iterations).withParallelism(lanes).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
