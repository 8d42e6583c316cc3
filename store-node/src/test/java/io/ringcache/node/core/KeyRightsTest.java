package io.ringcache.node.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ringcache.placement.core.access.AccessChange;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.placement.core.access.KeyPermission;
import io.ringcache.placement.core.access.Principal;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.Query;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each shard operation needs: keys by prefix, read as well for writes that return the old value, everything for scans. */
class KeyRightsTest {

    private static final Principal WRITER = Principal.user("writer"); // write-only on w/
    private static final Principal READER = Principal.user("reader"); // read-only on r/

    private static AccessTable table() throws Exception {
        AccessTable t = AccessTable.EMPTY;
        for (AccessChange c : List.of(new AccessChange.AddRole("w"),
                new AccessChange.GrantKeys("w", new KeyPermission("w/".getBytes(UTF_8), false, true)),
                new AccessChange.AddRole("r"), new AccessChange.GrantKeys("r", new KeyPermission("r/".getBytes(UTF_8), true, false)),
                new AccessChange.AddRole("ops"), new AccessChange.GrantAdmin("ops"),
                new AccessChange.AddUser("writer", ""), new AccessChange.GrantRole("writer", "w"),
                new AccessChange.AddUser("reader", ""), new AccessChange.GrantRole("reader", "r"),
                new AccessChange.AddUser("root", ""), new AccessChange.GrantRole("root", "ops"), new AccessChange.Enable())) {
            t = t.apply(c);
        }
        return t;
    }

    private static byte[] k(String s) {
        return s.getBytes(UTF_8);
    }

    private static ShardOp write(Command c) {
        return new ShardOp.Write(c, 0);
    }

    private static ShardOp read(Query q) {
        return new ShardOp.Read(q, Consistency.LINEARIZABLE);
    }

    @Test
    void plainWritesNeedWriteAndReadsNeedRead() throws Exception {
        AccessTable t = table();
        assertNull(KeyRights.refusal(t, WRITER, write(new Command.Put(k("w/1"), k("v"), 0))));
        assertNull(KeyRights.refusal(t, WRITER, write(new Command.Tagged(1, 1, new Command.Delete(k("w/1"))))));
        assertInstanceOf(KvFailure.PermissionDenied.class, KeyRights.refusal(t, WRITER, read(new Query.Get(k("w/1")))));
        assertNull(KeyRights.refusal(t, READER, read(new Query.Get(k("r/1")))));
        assertInstanceOf(KvFailure.PermissionDenied.class, KeyRights.refusal(t, READER, write(new Command.Put(k("r/1"), k("v"), 0))));
        assertInstanceOf(KvFailure.Unauthenticated.class, KeyRights.refusal(t, Principal.ANONYMOUS, read(new Query.Get(k("r/1")))));
        assertNull(KeyRights.refusal(t, Principal.MEMBER, write(new Command.Put(k("x"), k("v"), 0))));
        assertNull(KeyRights.refusal(AccessTable.EMPTY, Principal.ANONYMOUS, write(new Command.Put(k("x"), k("v"), 0))));
    }

    @Test
    void writesThatReturnTheOldValueNeedReadToo() throws Exception {
        AccessTable t = table();
        for (Command c : List.of(new Command.GetAndDelete(k("w/1")), new Command.GetAndTouch(k("w/1"), 0, false),
                new Command.Increment(k("w/1"), 1), new Command.Append(k("w/1"), k("x")),
                new Command.Set(k("w/1"), k("v"), 0, false, Command.Condition.ALWAYS, false, true))) {
            assertInstanceOf(KvFailure.PermissionDenied.class, KeyRights.refusal(t, WRITER, write(c)), c.toString());
        }
        assertNull(KeyRights.refusal(t, WRITER, write(new Command.Set(k("w/1"), k("v"), 0, false, Command.Condition.ALWAYS,
                false, false))));
    }

    @Test
    void batchesNeedEveryKeyAndScansTheWholeKeyspace() throws Exception {
        AccessTable t = table();
        assertInstanceOf(KvFailure.PermissionDenied.class, KeyRights.refusal(t, WRITER, write(new Command.BatchPut(List.of(
                new Command.Put(k("w/1"), k("v"), 0), new Command.Put(k("x/1"), k("v"), 0))))));
        assertNull(KeyRights.refusal(t, WRITER, write(new Command.BatchDelete(List.of(k("w/1"), k("w/2"))))));
        assertInstanceOf(KvFailure.PermissionDenied.class, KeyRights.refusal(t, READER,
                read(new Query.BatchGet(List.of(k("r/1"), k("w/1"))))));
        assertInstanceOf(KvFailure.PermissionDenied.class, KeyRights.refusal(t, READER, read(new Query.Scan(new byte[0], 10))));
        AccessTable everything = t.apply(new AccessChange.GrantKeys("r", new KeyPermission(new byte[0], true, false)));
        assertNull(KeyRights.refusal(everything, READER, read(new Query.Scan(new byte[0], 10))));
    }

    @Test
    void commandsOnlyTheClusterProposesAreForMembers() throws Exception {
        assertInstanceOf(KvFailure.PermissionDenied.class, KeyRights.refusal(table(), Principal.user("root"),
                write(new Command.Evict(List.of()))));
    }
}
