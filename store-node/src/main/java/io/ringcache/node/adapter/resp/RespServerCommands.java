package io.ringcache.node.adapter.resp;

import io.ringcache.node.adapter.auth.Doorkeeper;
import io.ringcache.node.core.KvFailure;

import io.ringcache.node.core.Consistency;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** Connection and server commands: PING, ECHO, HELLO, AUTH, CLIENT, SELECT, QUIT, TIME, DBSIZE, INFO. */
final class RespServerCommands {

    /** The Redis version clients are told: the command set and RESP3 behave as Redis 7.0's. */
    static final String REDIS_VERSION = "7.0.0";

    private final RespCalls calls;
    private final LongSupplier wallClock;
    private final String storeId;
    private final IntSupplier connectedClients;
    private final AtomicLong commandsProcessed;
    private final java.util.function.Supplier<io.ringcache.node.core.CacheStats> cacheStats;

    private final Doorkeeper doorkeeper;

    RespServerCommands(RespCalls calls, LongSupplier wallClock, String storeId, IntSupplier connectedClients,
                       AtomicLong commandsProcessed, java.util.function.Supplier<io.ringcache.node.core.CacheStats> cacheStats,
                       Doorkeeper doorkeeper) {
        this.doorkeeper = doorkeeper;
        this.cacheStats = cacheStats;
        this.calls = calls;
        this.wallClock = wallClock;
        this.storeId = storeId;
        this.connectedClients = connectedClients;
        this.commandsProcessed = commandsProcessed;
    }

    RespReply ping(RespArgs a) {
        a.arity(1, 2);
        return a.size() == 1 ? new RespReply.Simple("PONG") : new RespReply.Bulk(a.bytes(1));
    }

    RespReply echo(RespArgs a) {
        a.arity(2, 2);
        return new RespReply.Bulk(a.bytes(1));
    }

    /** HELLO [protover [AUTH username password] [SETNAME name]]. */
    RespReply hello(RespArgs a, RespSession session) {
        int protocol = session.protocol;
        int i = 1;
        if (a.size() > 1) {
            long asked;
            try {
                asked = Long.parseLong(a.text(1));
            } catch (NumberFormatException e) {
                return RespReply.error("ERR Protocol version is not an integer or out of range");
            }
            if (asked != 2 && asked != 3) {
                return RespReply.error("NOPROTO unsupported protocol version");
            }
            protocol = (int) asked;
            i = 2;
        }
        String name = session.name;
        for (; i < a.size(); i++) {
            String o = a.option(i);
            if (o.equals("AUTH") && i + 2 < a.size()) {
                RespReply refused = login(a.text(i + 1), a.text(i + 2), session);
                if (refused != null) {
                    return refused;
                }
                i += 2;
            } else if (o.equals("SETNAME") && i + 1 < a.size()) {
                name = a.text(++i);
            } else {
                return RespReply.error("ERR Syntax error in HELLO option '" + a.text(i) + "'");
            }
        }
        session.protocol = protocol;
        session.name = name;
        Map<RespReply, RespReply> m = new LinkedHashMap<>();
        m.put(RespReply.bulk("server"), RespReply.bulk("redis"));
        m.put(RespReply.bulk("version"), RespReply.bulk(REDIS_VERSION));
        m.put(RespReply.bulk("proto"), new RespReply.Int(protocol));
        m.put(RespReply.bulk("id"), new RespReply.Int(session.id));
        m.put(RespReply.bulk("mode"), RespReply.bulk("standalone"));
        m.put(RespReply.bulk("role"), RespReply.bulk("master"));
        m.put(RespReply.bulk("modules"), new RespReply.Array(List.of()));
        return new RespReply.MapReply(m);
    }

    /**
     * {@code AUTH password} (as user {@code default}) or {@code AUTH user password}. Checked
     * whether auth is on or not, so clients can be set up before it is turned on. Runs on the
     * connection's event loop, as Redis runs it: the first check of a password costs one Argon2
     * hash (tens of ms), later ones of the same password a SHA-256 ({@code Argon2Secrets}).
     */
    RespReply auth(RespArgs a, RespSession session) {
        a.arity(2, 3);
        String user = a.size() == 3 ? a.text(1) : "default";
        String password = a.text(a.size() - 1);
        RespReply refused = login(user, password, session);
        return refused != null ? refused : RespReply.OK;
    }

    /** Signs the session in as {@code user}; null on success, else the error reply. */
    private RespReply login(String user, String password, RespSession session) {
        Doorkeeper.Admission a = doorkeeper.login("resp", user, password, session.peer);
        if (a instanceof Doorkeeper.Admitted in) {
            session.caller = in.who();
            return null;
        }
        KvFailure failure = ((Doorkeeper.Turned) a).failure();
        return failure instanceof KvFailure.Unauthenticated
                ? RespReply.error("WRONGPASS invalid username-password pair or user is disabled.")
                : RespCalls.error(failure);
    }

    RespReply client(RespArgs a, RespSession session) {
        a.arity(2, Integer.MAX_VALUE);
        return switch (a.option(1)) {
            case "ID" -> new RespReply.Int(session.id);
            case "GETNAME" -> session.name == null ? RespReply.NULL : RespReply.bulk(session.name);
            case "SETNAME" -> {
                a.arity(3, 3);
                if (a.text(2).contains(" ")) {
                    yield RespReply.error("ERR Client names cannot contain spaces, newlines or special characters.");
                }
                session.name = a.text(2).isEmpty() ? null : a.text(2);
                yield RespReply.OK;
            }
            case "SETINFO" -> {
                a.arity(4, 4);
                yield RespReply.OK; // lib-name / lib-ver: accepted, as Redis does, and not needed here
            }
            default -> RespReply.error("ERR unknown subcommand '" + a.text(1) + "'. Try CLIENT HELP.");
        };
    }

    RespReply select(RespArgs a) {
        a.arity(2, 2);
        return "0".equals(a.text(1)) ? RespReply.OK : RespReply.error("ERR DB index is out of range");
    }

    RespReply time(RespArgs a) {
        a.arity(1, 1);
        long micros = wallClock.getAsLong() * 1000;
        return new RespReply.Array(List.of(RespReply.bulk(Long.toString(micros / 1_000_000)),
                RespReply.bulk(Long.toString(micros % 1_000_000))));
    }

    /** DBSIZE: the entries of every shard (a linearizable count each; expired keys not yet reclaimed included). */
    CompletableFuture<RespReply> dbsize(RespArgs a) {
        a.arity(1, 1);
        return keys().thenApply(n -> n < 0 ? RespReply.error("TRYAGAIN a shard did not answer") : new RespReply.Int(n));
    }

    CompletableFuture<RespReply> info(RespArgs a) {
        a.arity(1, 2);
        String section = a.size() > 1 ? a.text(1).toLowerCase(java.util.Locale.ROOT) : "default";
        boolean all = section.equals("default") || section.equals("all") || section.equals("everything");
        return (all || section.equals("keyspace") ? keys() : CompletableFuture.completedFuture(0L)).thenApply(keys -> {
            StringBuilder out = new StringBuilder();
            Runtime rt = Runtime.getRuntime();
            if (all || section.equals("server")) {
                out.append("# Server\r\nredis_version:").append(REDIS_VERSION).append("\r\nredis_mode:standalone\r\n")
                        .append("ringcache_store:").append(storeId).append("\r\nprocess_id:")
                        .append(ProcessHandle.current().pid()).append("\r\n\r\n");
            }
            if (all || section.equals("clients")) {
                out.append("# Clients\r\nconnected_clients:").append(connectedClients.getAsInt()).append("\r\n\r\n");
            }
            io.ringcache.node.core.CacheStats stats = cacheStats.get();
            if (all || section.equals("memory")) {
                // This store's data against its -maxmemory, as a Redis server reports its own.
                out.append("# Memory\r\nused_memory:").append(stats.usedBytes())
                        .append("\r\nused_memory_human:").append(human(stats.usedBytes()))
                        .append("\r\nmaxmemory:").append(stats.maxBytes())
                        .append("\r\nmaxmemory_human:").append(human(stats.maxBytes()))
                        .append("\r\nmaxmemory_policy:").append(stats.policy())
                        .append("\r\nused_memory_jvm_heap:").append(rt.totalMemory() - rt.freeMemory())
                        .append("\r\nmaxmemory_jvm_heap:").append(rt.maxMemory()).append("\r\n\r\n");
            }
            if (all || section.equals("stats")) {
                out.append("# Stats\r\ntotal_commands_processed:").append(commandsProcessed.get())
                        .append("\r\nexpired_keys:").append(stats.expiredKeys())
                        .append("\r\nevicted_keys:").append(stats.evictedKeys())
                        .append("\r\nevicted_bytes:").append(stats.evictedBytes())
                        .append("\r\nkeyspace_hits:").append(stats.hits())
                        .append("\r\nkeyspace_misses:").append(stats.misses()).append("\r\n\r\n");
            }
            if (all || section.equals("replication")) {
                // Every store serves every key (it forwards to each shard's Raft leader): to a Redis
                // client each node is a master; replication is Raft's, per shard.
                out.append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
            }
            if (all || section.equals("keyspace")) {
                out.append("# Keyspace\r\n");
                if (keys > 0) {
                    out.append("db0:keys=").append(keys).append(",expires=0,avg_ttl=0\r\n");
                }
            }
            return new RespReply.Bulk(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
    }

    /** Redis' human form of a byte count: 1.50M. */
    static String human(long bytes) {
        String[] units = {"B", "K", "M", "G", "T"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + "B" : String.format(java.util.Locale.ROOT, "%.2f%s", v, units[u]);
    }

    /** Entries across every shard of the map, or -1 when a shard did not answer. */
    private CompletableFuture<Long> keys() {
        Optional<PartitionMap> map = calls.requests().map();
        if (map.isEmpty()) {
            return CompletableFuture.completedFuture(0L);
        }
        List<CompletableFuture<RespReply>> parts = new ArrayList<>();
        for (int shard : map.get().shards().keySet()) {
            parts.add(calls.toShard(shard, new ShardOp.Read(new Query.Digest(), Consistency.LINEARIZABLE), outcome ->
                    new RespReply.Int(((ResultCodec.Answer.Digest) ((ShardOutcome.Answered) outcome).answer()).digest().entries())));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
            long n = 0;
            for (CompletableFuture<RespReply> f : parts) {
                if (!(f.join() instanceof RespReply.Int i)) {
                    return -1L;
                }
                n += i.value();
            }
            return n;
        });
    }
}
