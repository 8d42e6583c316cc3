package io.ringcache.transport;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Refuses, on a TLS port, calls the caller's certificate does not entitle it to. Two levels:
 * <ul>
 *   <li>{@link #members} guards what only cluster members do (a store registering or
 *       heartbeating with placement, placement driving a store's replicas, one store forwarding
 *       a raw command to another): the caller's certificate must be a member's
 *       ({@link TransportTls#isMember}: signed by the CA, and carrying a member name when
 *       {@code -tls_member_cn} lists them);</li>
 *   <li>{@link #certified} guards what operators do (placement's admin calls: move, split,
 *       drain, remove...): any certificate the CA signed. Finer rights come with users and roles.</li>
 * </ul>
 * Clients without a certificate still reach every other call on the same port
 * ({@link TransportTls.ClientAuth#OPTIONAL}). Refusals are {@code UNAUTHENTICATED} and name what
 * is missing. With TLS off (a null {@link TransportTls}: development) it refuses nothing; with
 * TLS on, a call that arrives without a TLS session is refused too.
 */
public final class PeerOnly implements ServerInterceptor {

    private final TransportTls tls;
    private final Set<String> methods;
    private final boolean wholeService;
    private final boolean membersOnly;

    private PeerOnly(TransportTls tls, Set<String> methods, boolean wholeService, boolean membersOnly) {
        this.tls = tls;
        this.methods = Set.copyOf(methods);
        this.wholeService = wholeService;
        this.membersOnly = membersOnly;
    }

    /** Every method of the service it intercepts is for members only. */
    public static PeerOnly members(TransportTls tls) {
        return new PeerOnly(tls, Set.of(), true, true);
    }

    /** The named methods ({@code service/Method}, as {@code MethodDescriptor.getFullMethodName()}) are for members only. */
    public static PeerOnly members(TransportTls tls, Set<String> fullMethodNames) {
        return new PeerOnly(tls, fullMethodNames, false, true);
    }

    /** The named methods need a certificate the CA signed, a member's or an operator's. */
    public static PeerOnly certified(TransportTls tls, Set<String> fullMethodNames) {
        return new PeerOnly(tls, fullMethodNames, false, false);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (tls == null || !wholeService && !methods.contains(call.getMethodDescriptor().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        Certificate[] chain = session == null ? null : peerChain(session);
        boolean allowed = membersOnly ? tls.isMember(chain) : chain != null && chain.length > 0;
        if (!allowed) {
            call.close(Status.UNAUTHENTICATED.withDescription(call.getMethodDescriptor().getBareMethodName()
                    + (membersOnly ? " is for cluster members: present a member's certificate from the cluster CA"
                    : " needs a client certificate from the cluster CA")), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }

    /** The TLS peer's handshake-verified chain, or null when it presented none. */
    public static Certificate[] peerChain(SSLSession session) {
        try {
            return session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
