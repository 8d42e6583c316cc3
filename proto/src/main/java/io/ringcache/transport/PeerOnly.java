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
 * Refuses, on a TLS port, the calls only cluster members make (a store registering or
 * heartbeating with placement, placement driving a store's replicas) unless the caller presented
 * a certificate. The TLS handshake already checked that any certificate presented chains to the
 * cluster CA, so "presented one" means "is a member": clients without one still reach the
 * client calls on the same port ({@link TransportTls.ClientAuth#OPTIONAL}). Refusals are
 * {@code UNAUTHENTICATED} and name what is missing. On a plaintext port (TLS off) it lets every
 * call through: it guards nothing TLS does not carry.
 */
public final class PeerOnly implements ServerInterceptor {

    private final Set<String> methods;
    private final boolean wholeService;

    private PeerOnly(Set<String> methods, boolean wholeService) {
        this.methods = methods;
        this.wholeService = wholeService;
    }

    /** Guards every method of the service it intercepts. */
    public static PeerOnly everyMethod() {
        return new PeerOnly(Set.of(), true);
    }

    /** Guards the named methods ({@code service/Method}, as {@code MethodDescriptor.getFullMethodName()}). */
    public static PeerOnly methods(Set<String> fullMethodNames) {
        return new PeerOnly(Set.copyOf(fullMethodNames), false);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!wholeService && !methods.contains(call.getMethodDescriptor().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session != null && !presentedCertificate(session)) {
            call.close(Status.UNAUTHENTICATED.withDescription(call.getMethodDescriptor().getBareMethodName()
                    + " is for cluster members: present a certificate from the cluster CA"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }

    /** Whether the TLS peer presented a (handshake-verified) certificate. */
    public static boolean presentedCertificate(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain != null && chain.length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
