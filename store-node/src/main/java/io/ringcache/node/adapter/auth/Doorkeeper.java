package io.ringcache.node.adapter.auth;

import io.ringcache.node.core.AccessRules;
import io.ringcache.node.core.KeyRights;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardOp;
import io.ringcache.placement.api.AuthorizationHeader;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.placement.core.access.Authenticator;
import io.ringcache.placement.core.access.Credentials;
import io.ringcache.placement.core.access.Principal;
import io.ringcache.placement.core.access.Right;
import io.ringcache.placement.core.access.SecretCheck;
import io.ringcache.placement.core.access.Verdict;
import io.ringcache.transport.TransportTls;
import java.security.cert.Certificate;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Who may come in, for the store's Netty front doors (HTTP, RESP): turns what a connection or
 * request carries (an {@code authorization} value, a user and password from RESP AUTH, the TLS
 * client certificate) into a {@link Principal} against the access table this store enforces, and
 * checks a shard operation's key rights ({@link KeyRights}). Counts every refusal by door and
 * reason ({@code ringcache_auth_refusals_total}). While auth is off it costs one volatile read.
 */
public final class Doorkeeper {

    private final AccessRules rules;
    private final Authenticator authenticator;
    private final TransportTls tls;
    private final LongSupplier clock;
    private final BiConsumer<String, String> refusals;

    /**
     * @param tls      the doors' TLS (null without): tells members and maps client certificates to users
     * @param refusals told (door, "unauthenticated" | "permission_denied") on each refusal
     */
    public Doorkeeper(AccessRules rules, SecretCheck secrets, TransportTls tls, LongSupplier clock,
                      BiConsumer<String, String> refusals) {
        this.rules = rules;
        this.authenticator = new Authenticator(secrets);
        this.tls = tls;
        this.clock = clock;
        this.refusals = refusals;
    }

    /** Everyone may do everything: auth off for good (tests, tools). */
    public static Doorkeeper open() {
        return new Doorkeeper(AccessRules.open(), new SecretCheck() {
            @Override
            public boolean passwordMatches(String storedHash, String password) {
                return false;
            }

            @Override
            public String tokenDigest(String token) {
                return "";
            }
        }, null, () -> 0, (door, reason) -> { });
    }

    /** The outcome of letting a request in. */
    public sealed interface Admission {
    }

    /** In, as {@code who}. */
    public record Admitted(Principal who) implements Admission {
    }

    /**
     * Out: {@code failure} is {@link KvFailure.Unauthenticated}, or {@link KvFailure.Unavailable}
     * while this store has no access table yet.
     */
    public record Turned(KvFailure failure) implements Admission {
    }

    private static final Admitted ANONYMOUS = new Admitted(Principal.ANONYMOUS);
    /** The answer while this store has no access table: retry later (nothing was done). */
    private static final KvFailure NO_RULES_YET = new KvFailure.Unavailable(0,
            "this store has not yet learned the cluster's access rules from placement", true);

    /**
     * Lets a request in by its {@code authorization} value (null: none) and its TLS peer chain
     * (null: none), read only while auth is on.
     */
    public Admission admit(String door, String authorization, java.util.function.Supplier<Certificate[]> chain) {
        AccessTable table = rules.get();
        if (table == null) {
            return new Turned(NO_RULES_YET);
        }
        if (!table.enabled()) {
            return ANONYMOUS;
        }
        Credentials credentials;
        try {
            credentials = AuthorizationHeader.parse(authorization);
        } catch (IllegalArgumentException e) {
            return turned(door, e.getMessage());
        }
        return authenticate(door, table, withPeer(credentials, chain.get()));
    }

    /** RESP's AUTH and HELLO ... AUTH: checks {@code user} and {@code password}, whether auth is on or not. */
    public Admission login(String door, String user, String password, Certificate[] chain) {
        AccessTable table = rules.get();
        if (table == null) {
            return new Turned(NO_RULES_YET);
        }
        return authenticate(door, table, withPeer(Credentials.password(user, password), chain));
    }

    /** The principal a connection's certificate alone makes (RESP, before any AUTH). */
    public Principal byCertificate(Certificate[] chain) {
        AccessTable table = rules.get();
        if (table == null || chain == null) {
            return Principal.ANONYMOUS;
        }
        Authenticator.Authentication a = authenticator.authenticate(table, withPeer(Credentials.NONE, chain),
                clock.getAsLong());
        return a instanceof Authenticator.Accepted ok ? ok.principal() : Principal.ANONYMOUS;
    }

    /** Null when {@code who} may run {@code op}; otherwise the failure (counted). */
    public KvFailure refusal(String door, Principal who, ShardOp op) {
        AccessTable table = rules.get();
        if (table == null) {
            return NO_RULES_YET;
        }
        KvFailure refusal = KeyRights.refusal(table, who, op);
        counted(door, refusal);
        return refusal;
    }

    /** Whether {@code who} may do {@code right} to {@code key} (RESP checks its command table's key positions); counts a refusal. */
    public Verdict key(String door, Principal who, Right right, byte[] key) {
        AccessTable table = rules.get();
        Verdict v = table == null ? Verdict.UNAUTHENTICATED : table.check(who, right, key);
        count(door, v);
        return v;
    }

    /** Whether {@code who} may use admin endpoints (profiling, hot keys); counts a refusal. */
    public Verdict admin(String door, Principal who) {
        AccessTable table = rules.get();
        Verdict v = table == null ? Verdict.UNAUTHENTICATED : table.checkAdmin(who);
        count(door, v);
        return v;
    }

    /** Whether {@code who} is signed in (or auth is off); counts a refusal. */
    public Verdict signedIn(String door, Principal who) {
        AccessTable table = rules.get();
        Verdict v = table == null ? Verdict.UNAUTHENTICATED : table.checkSignedIn(who);
        count(door, v);
        return v;
    }

    /** Whether this store has learned an access table yet (the doors refuse everything until it has: fail closed). */
    public boolean rulesKnown() {
        return rules.get() != null;
    }

    /**
     * Completes (true) once the access table is known, or (false) after {@code waitMillis}: a door
     * that gets a request before placement's first reply waits for it, as for the partition map.
     */
    public java.util.concurrent.CompletableFuture<Boolean> whenRulesKnown(long waitMillis) {
        if (rulesKnown()) {
            return java.util.concurrent.CompletableFuture.completedFuture(true);
        }
        return rules.known().thenApply(t -> true)
                .completeOnTimeout(false, waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Whether auth is on (false while no table is known). */
    public boolean enabled() {
        AccessTable table = rules.get();
        return table != null && table.enabled();
    }

    private Admission authenticate(String door, AccessTable table, Credentials credentials) {
        Authenticator.Authentication a = authenticator.authenticate(table, credentials, clock.getAsLong());
        if (a instanceof Authenticator.Refused r) {
            return turned(door, r.reason());
        }
        return new Admitted(((Authenticator.Accepted) a).principal());
    }

    private Credentials withPeer(Credentials credentials, Certificate[] chain) {
        if (tls == null || chain == null || chain.length == 0) {
            return credentials;
        }
        return credentials.withCertificate(TransportTls.peerName(chain), tls.isMember(chain));
    }

    private Turned turned(String door, String reason) {
        refusals.accept(door, "unauthenticated");
        return new Turned(new KvFailure.Unauthenticated(reason));
    }

    private void counted(String door, KvFailure refusal) {
        if (refusal instanceof KvFailure.Unauthenticated) {
            refusals.accept(door, "unauthenticated");
        } else if (refusal instanceof KvFailure.PermissionDenied) {
            refusals.accept(door, "permission_denied");
        }
    }

    private void count(String door, Verdict v) {
        if (v == Verdict.UNAUTHENTICATED) {
            refusals.accept(door, "unauthenticated");
        } else if (v == Verdict.DENIED) {
            refusals.accept(door, "permission_denied");
        }
    }
}
