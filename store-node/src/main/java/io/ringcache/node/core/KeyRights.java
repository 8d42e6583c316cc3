package io.ringcache.node.core;

import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.placement.core.access.KeyPermission;
import io.ringcache.placement.core.access.Principal;
import io.ringcache.placement.core.access.Right;
import io.ringcache.placement.core.access.Verdict;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.Query;

/**
 * The rights a shard operation needs, checked against the access table before anything is sent:
 * a read needs read on each key it names; a write needs write on each key, and read too when it
 * returns what the key held (GETSET, GETDEL, GETEX, INCR, APPEND...); a scan or a digest spans
 * every key, so it needs read on the empty prefix (the whole keyspace). Commands only the cluster
 * itself proposes (expiry, eviction, split) are for members. All or nothing per operation: a batch
 * command is refused whole when any key is out of reach (front doors that split batches per entry
 * check each entry as its own operation), so a refusal never changes state.
 */
public final class KeyRights {

    private static final byte[] WHOLE_KEYSPACE = new byte[0];

    private KeyRights() {
    }

    /** Null when {@code who} may run {@code op}; otherwise the failure to answer with. */
    public static KvFailure refusal(AccessTable table, Principal who, ShardOp op) {
        if (!table.enabled() || who instanceof Principal.Member) {
            return null;
        }
        if (op instanceof ShardOp.Read r) {
            return read(table, who, r.query());
        }
        return write(table, who, ((ShardOp.Write) op).command());
    }

    private static KvFailure read(AccessTable table, Principal who, Query q) {
        if (q instanceof Query.Get g) {
            return check(table, who, Right.READ, g.key());
        }
        if (q instanceof Query.BatchGet b) {
            return checkAll(table, who, Right.READ, b.keys());
        }
        // Scan, Digest: every key of the shard.
        return check(table, who, Right.READ, WHOLE_KEYSPACE);
    }

    private static KvFailure write(AccessTable table, Principal who, Command c) {
        if (c instanceof Command.Tagged t) {
            return write(table, who, t.command());
        }
        if (c instanceof Command.BatchPut b) {
            return checkAll(table, who, Right.WRITE, b.puts().stream().map(Command.Put::key).toList());
        }
        if (c instanceof Command.BatchPutIfAbsent b) {
            return checkAll(table, who, Right.WRITE, b.puts().stream().map(Command.Put::key).toList());
        }
        if (c instanceof Command.BatchDelete b) {
            return checkAll(table, who, Right.WRITE, b.keys());
        }
        byte[] key = Command.singleKey(c);
        if (key == null) {
            return new KvFailure.PermissionDenied("only cluster members propose " + c.getClass().getSimpleName());
        }
        KvFailure f = check(table, who, Right.WRITE, key);
        return f != null || !returnsValue(c) ? f : check(table, who, Right.READ, key);
    }


    /** Commands whose result tells what the key held, so they need read as well. */
    private static boolean returnsValue(Command c) {
        return c instanceof Command.GetAndDelete || c instanceof Command.GetAndTouch || c instanceof Command.Increment
                || c instanceof Command.Append || c instanceof Command.Set s && s.returnPrevious();
    }

    /** The first key's refusal, or null when every key is allowed. */
    private static KvFailure checkAll(AccessTable table, Principal who, Right right, java.util.List<byte[]> keys) {
        for (byte[] key : keys) {
            KvFailure f = check(table, who, right, key);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static KvFailure check(AccessTable table, Principal who, Right right, byte[] key) {
        Verdict v = table.check(who, right, key);
        return switch (v) {
            case ALLOWED -> null;
            case UNAUTHENTICATED -> new KvFailure.Unauthenticated("authentication required");
            case DENIED -> new KvFailure.PermissionDenied("user " + ((Principal.Named) who).user() + " may not "
                    + (right == Right.READ ? "read" : "write") + (key.length == 0 ? " the whole keyspace"
                    : " key " + KeyPermission.printable(shortened(key))));
        };
    }

    private static byte[] shortened(byte[] key) {
        return key.length <= 64 ? key : java.util.Arrays.copyOf(key, 64);
    }
}
