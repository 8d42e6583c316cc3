package io.ringcache.placement.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.placement.core.access.Authenticator;
import io.ringcache.placement.core.access.Credentials;
import io.ringcache.placement.core.access.Principal;
import io.ringcache.placement.core.access.Verdict;
import io.ringcache.transport.PeerOnly;
import io.ringcache.transport.TransportTls;
import java.security.cert.Certificate;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * Authentication and coarse authorisation of gRPC calls, for the placement driver and the stores.
 * While auth is off it lets everything through untouched. While it is on, each call's credentials
 * (the {@code authorization} metadata, {@link AuthorizationHeader}, and the TLS client
 * certificate) become a {@link Principal} ({@link Authenticator}), put in the call's context
 * ({@link #principal()}), and the method's {@link Need} is checked: refusals are UNAUTHENTICATED
 * (no or wrong credentials) or PERMISSION_DENIED (a known user without the right), counted by
 * {@code refusals} with the reason, and the call never reaches the service. Key-level rights are
 * the service's to check ({@link Need#KEYS}), since only it knows the keys.
 *
 * <p>A store that has not yet heard the cluster's access table from placement refuses with
 * UNAVAILABLE rather than guess: it fails closed.
 */
public final class GrpcCallerAuth implements ServerInterceptor {

    /** What a method needs beyond authentication. */
    public enum Need {
        /** Nothing: the method is guarded otherwise (a member's certificate, {@link PeerOnly}). */
        NOTHING,
        /** Any signed-in user: read-only cluster views. */
        SIGNED_IN,
        /** A user whose roles include admin: placement operations, user and role management. */
        ADMIN,
        /** A signed-in user; the service checks each key's right. */
        KEYS
    }

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of(AuthorizationHeader.NAME, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Principal> PRINCIPAL = Context.keyWithDefault("ringcache.principal", Principal.ANONYMOUS);

    private final Supplier<AccessTable> table;
    private final Authenticator authenticator;
    private final TransportTls tls;
    private final LongSupplier clock;
    private final Map<String, Need> needs;
    private final Need otherwise;
    private final Consumer<String> refusals;

    /**
     * @param table     the access table in force; null while none is known (refuse everything)
     * @param tls       the port's TLS, to tell members and map client certificates; null without TLS
     * @param needs     by full method name; {@code otherwise} for the rest
     * @param refusals  told "unauthenticated" or "permission_denied" for each refusal
     */
    public GrpcCallerAuth(Supplier<AccessTable> table, Authenticator authenticator, TransportTls tls, LongSupplier clock,
                          Map<String, Need> needs, Need otherwise, Consumer<String> refusals) {
        this.table = table;
        this.authenticator = authenticator;
        this.tls = tls;
        this.clock = clock;
        this.needs = Map.copyOf(needs);
        this.otherwise = otherwise;
        this.refusals = refusals;
    }

    /** The caller of the current call: anonymous while auth is off. */
    public static Principal principal() {
        return PRINCIPAL.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Need need = needs.getOrDefault(call.getMethodDescriptor().getFullMethodName(), otherwise);
        if (need == Need.NOTHING) {
            return next.startCall(call, headers);
        }
        AccessTable t = table.get();
        if (t == null) {
            return refuse(call, Status.UNAVAILABLE, null,
                    "this store has not yet learned the cluster's access rules from placement; try again");
        }
        if (!t.enabled()) {
            return next.startCall(call, headers);
        }
        Credentials credentials;
        try {
            credentials = AuthorizationHeader.parse(headers.get(AUTHORIZATION));
        } catch (IllegalArgumentException e) {
            return refuse(call, Status.UNAUTHENTICATED, "unauthenticated", e.getMessage());
        }
        if (tls != null) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            Certificate[] chain = session == null ? null : PeerOnly.peerChain(session);
            if (chain != null) {
                credentials = credentials.withCertificate(TransportTls.peerName(chain), tls.isMember(chain));
            }
        }
        Principal who;
        Authenticator.Authentication outcome = authenticator.authenticate(t, credentials, clock.getAsLong());
        if (outcome instanceof Authenticator.Refused r) {
            return refuse(call, Status.UNAUTHENTICATED, "unauthenticated", r.reason());
        }
        who = ((Authenticator.Accepted) outcome).principal();
        Verdict verdict = switch (need) {
            case NOTHING -> Verdict.ALLOWED;
            case SIGNED_IN, KEYS -> t.checkSignedIn(who);
            case ADMIN -> t.checkAdmin(who);
        };
        if (verdict == Verdict.UNAUTHENTICATED) {
            return refuse(call, Status.UNAUTHENTICATED, "unauthenticated",
                    "authentication required: send a user and password (Basic) or a token (Bearer) in 'authorization'"
                            + " metadata, or a client certificate named after a user");
        }
        if (verdict == Verdict.DENIED) {
            return refuse(call, Status.PERMISSION_DENIED, "permission_denied", "user "
                    + ((Principal.Named) who).user() + " may not call " + call.getMethodDescriptor().getBareMethodName()
                    + ": it needs a role with admin");
        }
        return Contexts.interceptCall(Context.current().withValue(PRINCIPAL, who), call, headers, next);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status, String reason, String message) {
        if (reason != null) {
            refusals.accept(reason);
        }
        call.close(status.withDescription(message), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
