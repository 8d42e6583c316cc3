package io.ringcache.node.adapter.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.core.AccessRules;
import io.ringcache.node.core.KeyRights;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardOp;
import io.ringcache.placement.api.GrpcCallerAuth;
import io.ringcache.placement.core.access.AccessTable;
import java.util.function.Consumer;

/**
 * The key rights of a KV call, checked against the caller {@link GrpcCallerAuth} put in the call's
 * context, before anything is submitted: a refusal answers the call with UNAUTHENTICATED or
 * PERMISSION_DENIED and changes nothing. A batch's entries are checked one by one
 * ({@link #refusal}): a coalesced batch carries several callers' keys, so a refused entry gets its
 * own typed error and the others go on.
 */
final class GrpcKeyRights {

    /** Allows everything: auth off for good (tests, tools). */
    static final GrpcKeyRights OPEN = new GrpcKeyRights(AccessRules.open(), reason -> { });

    private final AccessRules rules;
    private final Consumer<String> refusals;

    GrpcKeyRights(AccessRules rules, Consumer<String> refusals) {
        this.rules = rules;
        this.refusals = refusals;
    }

    /**
     * True when the current call's caller is signed in (or auth is off); otherwise {@code out} has
     * its error. Batches check this first, then each key ({@link #refusal}).
     */
    boolean signedIn(StreamObserver<?> out) {
        AccessTable table = rules.get();
        if (table == null) {
            out.onError(Status.UNAVAILABLE.withDescription("this store has not yet learned the cluster's access rules")
                    .asException());
            return false;
        }
        if (table.checkSignedIn(GrpcCallerAuth.principal()) != io.ringcache.placement.core.access.Verdict.ALLOWED) {
            refusals.accept("unauthenticated");
            out.onError(Status.UNAUTHENTICATED.withDescription("authentication required").asException());
            return false;
        }
        return true;
    }

    /** Null when the current call's caller may run {@code op}; else the refusal (counted), for one entry of a batch. */
    KvFailure refusal(ShardOp op) {
        AccessTable table = rules.get();
        KvFailure refusal = table == null ? null : KeyRights.refusal(table, GrpcCallerAuth.principal(), op);
        if (refusal != null) {
            refusals.accept(refusal instanceof KvFailure.Unauthenticated ? "unauthenticated" : "permission_denied");
        }
        return refusal;
    }

    /** True when the current call's caller may run {@code op}; otherwise {@code out} has its error. */
    boolean allowed(ShardOp op, StreamObserver<?> out) {
        AccessTable table = rules.get();
        if (table == null) {
            out.onError(Status.UNAVAILABLE.withDescription("this store has not yet learned the cluster's access rules")
                    .asException());
            return false;
        }
        KvFailure refusal = KeyRights.refusal(table, GrpcCallerAuth.principal(), op);
        if (refusal == null) {
            return true;
        }
        if (refusal instanceof KvFailure.Unauthenticated u) {
            refusals.accept("unauthenticated");
            out.onError(Status.UNAUTHENTICATED.withDescription(u.message()).asException());
        } else {
            refusals.accept("permission_denied");
            out.onError(Status.PERMISSION_DENIED.withDescription(((KvFailure.PermissionDenied) refusal).message())
                    .asException());
        }
        return false;
    }
}
