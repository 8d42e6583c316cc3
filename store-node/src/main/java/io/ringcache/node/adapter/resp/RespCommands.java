package io.ringcache.node.adapter.resp;

import io.ringcache.node.adapter.auth.Doorkeeper;
import io.ringcache.placement.core.access.Principal;
import io.ringcache.placement.core.access.Right;
import io.ringcache.placement.core.access.Verdict;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The command table: name, arity and flags as {@code COMMAND} reports them, and the code that
 * runs each. A command not in it is answered Redis' {@code -ERR unknown command}.
 */
final class RespCommands {

    /**
     * @param reads  the command reads its keys (or, with no key positions, the whole keyspace)
     * @param writes the command writes its keys
     */
    private record Spec(String name, int arity, List<String> flags, int firstKey, int lastKey, int step,
                        BiFunction<RespArgs, RespSession, CompletableFuture<RespReply>> run, boolean reads, boolean writes) {
    }

    /** What a command without a key position needs: nothing but a signed-in caller, or read on every key. */
    private static final byte[] WHOLE_KEYSPACE = new byte[0];
    /** Connection commands a client may send before it authenticates (Redis lets these through too). */
    private static final java.util.Set<String> BEFORE_AUTH = java.util.Set.of("auth", "hello", "quit");
    /** Write commands whose reply tells what the key held: they need read as well (Redis' RW keys). */
    private static final java.util.Set<String> READ_AND_WRITE = java.util.Set.of("getset", "getdel", "getex", "incr",
            "decr", "incrby", "decrby", "append");

    /** How long a command waits for the store's first access table before TRYAGAIN. */
    static final long RULES_WAIT_MILLIS = 10_000;

    private final Map<String, Spec> table = new LinkedHashMap<>();
    private final Doorkeeper doorkeeper;

    RespCommands(RespKeyCommands keys, RespServerCommands server, RespScan scan, Doorkeeper doorkeeper) {
        this.doorkeeper = doorkeeper;
        key("get", 2, false, (a, s) -> keys.get(a));
        key("set", -3, true, (a, s) -> keys.set(a));
        key("setnx", 3, true, (a, s) -> keys.setnx(a));
        key("setex", 4, true, (a, s) -> keys.setex(a, false));
        key("psetex", 4, true, (a, s) -> keys.setex(a, true));
        key("getset", 3, true, (a, s) -> keys.getset(a));
        key("getdel", 2, true, (a, s) -> keys.getdel(a));
        key("getex", -2, true, (a, s) -> keys.getex(a));
        keys("del", -2, 1, (a, s) -> keys.del(a));
        keys("unlink", -2, 1, (a, s) -> keys.del(a));
        keys("exists", -2, 1, (a, s) -> keys.exists(a));
        key("expire", 3, true, (a, s) -> keys.expire(a, false, false));
        key("pexpire", 3, true, (a, s) -> keys.expire(a, true, false));
        key("expireat", 3, true, (a, s) -> keys.expire(a, false, true));
        key("pexpireat", 3, true, (a, s) -> keys.expire(a, true, true));
        key("persist", 2, true, (a, s) -> keys.persist(a));
        key("ttl", 2, false, (a, s) -> keys.ttl(a, false));
        key("pttl", 2, false, (a, s) -> keys.ttl(a, true));
        key("incr", 2, true, (a, s) -> keys.incr(a, 1, false));
        key("decr", 2, true, (a, s) -> keys.incr(a, -1, false));
        key("incrby", 3, true, (a, s) -> keys.incr(a, 1, true));
        key("decrby", 3, true, (a, s) -> keys.incr(a, -1, true));
        key("append", 3, true, (a, s) -> keys.append(a));
        key("strlen", 2, false, (a, s) -> keys.strlen(a));
        keys("mget", -2, 1, (a, s) -> keys.mget(a));
        keys("mset", -3, 2, (a, s) -> keys.mset(a));
        keys("msetnx", -3, 2, (a, s) -> keys.msetnx(a));
        connection("ping", -1, (a, s) -> done(server.ping(a)));
        connection("echo", 2, (a, s) -> done(server.echo(a)));
        connection("hello", -1, (a, s) -> done(server.hello(a, s)));
        connection("auth", -2, (a, s) -> done(server.auth(a, s)));
        connection("client", -2, (a, s) -> done(server.client(a, s)));
        connection("select", 2, (a, s) -> done(server.select(a)));
        connection("quit", 1, (a, s) -> {
            s.closing = true;
            return done(RespReply.OK);
        });
        connection("time", 1, (a, s) -> done(server.time(a)));
        table.put("dbsize", new Spec("dbsize", 1, List.of("readonly", "fast"), 0, 0, 0, (a, s) -> server.dbsize(a), true, false));
        table.put("scan", new Spec("scan", -2, List.of("readonly"), 0, 0, 0, (a, s) -> scan.scan(a), true, false));
        connection("info", -1, (a, s) -> server.info(a));
        connection("command", -1, (a, s) -> done(command(a)));
    }

    /**
     * The keys {@code words} names, for ordering commands of one connection: null for a command
     * that must wait for everything before it (DBSIZE, INFO), empty for one that needs no order.
     */
    List<Key> keys(List<byte[]> words) {
        Spec spec = table.get(new String(words.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        if (spec == null) {
            return List.of();
        }
        if (spec.name().equals("dbsize") || spec.name().equals("info") || spec.name().equals("scan")) {
            return null;
        }
        if (spec.firstKey() == 0) {
            return List.of();
        }
        List<Key> out = new ArrayList<>();
        int last = spec.lastKey() < 0 ? words.size() - 1 : Math.min(spec.lastKey(), words.size() - 1);
        for (int i = spec.firstKey(); i <= last; i += spec.step()) {
            out.add(new Key(words.get(i)));
        }
        return out;
    }

    /** A key with value equality, for the ordering map. */
    record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    /** Runs one command; never completes exceptionally. */
    CompletableFuture<RespReply> run(List<byte[]> words, RespSession session) {
        return run(words, session, false);
    }

    /** @param waited the command already waited once for the access table: answer now, TRYAGAIN if still none */
    private CompletableFuture<RespReply> run(List<byte[]> words, RespSession session, boolean waited) {
        if (words.isEmpty()) {
            return done(RespReply.error("ERR empty command"));
        }
        RespArgs args = new RespArgs(words);
        Spec spec = table.get(args.name);
        if (spec == null) {
            return done(RespReply.error(unknown(words)));
        }
        if (!waited && !doorkeeper.rulesKnown() && !spec.name().equals("quit")) {
            // Placement's first reply (access table and partition map) is on its way: wait for it, once.
            return doorkeeper.whenRulesKnown(RULES_WAIT_MILLIS).thenCompose(v -> run(words, session, true));
        }
        RespReply refusal = refusal(spec, words, session);
        if (refusal != null) {
            return done(refusal);
        }
        try {
            return spec.run().apply(args, session).exceptionally(e -> {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return cause instanceof RespArgs.Refused r ? RespReply.error(r.getMessage())
                        : RespReply.error("ERR internal error: " + cause);
            });
        } catch (RespArgs.Refused r) {
            return done(RespReply.error(r.getMessage()));
        }
    }

    /**
     * Null when the session's caller may run this command; else -NOAUTH (nobody signed in) or
     * -NOPERM (a user without the right on one of its keys), as Redis ACLs answer. Checked before
     * anything runs, so a refused command changes nothing.
     */
    private RespReply refusal(Spec spec, List<byte[]> words, RespSession session) {
        if (BEFORE_AUTH.contains(spec.name())) {
            return null;
        }
        if (!doorkeeper.rulesKnown()) {
            // No access table from placement yet: refuse rather than guess (fail closed), as HTTP and gRPC do.
            return RespReply.error("TRYAGAIN this store has not yet learned the cluster's access rules from placement");
        }
        if (!doorkeeper.enabled()) {
            return null;
        }
        if (session.caller == null) {
            // The first command: the client certificate (if any) may name a user.
            session.caller = doorkeeper.byCertificate(session.peer);
        }
        Principal who = session.caller;
        if (doorkeeper.signedIn("resp", who) != Verdict.ALLOWED) {
            return RespReply.error("NOAUTH Authentication required.");
        }
        if (spec.firstKey() == 0) {
            return spec.reads() ? verdict(who, Right.READ, WHOLE_KEYSPACE) : null;
        }
        boolean reads = spec.reads() || spec.name().equals("set") && hasGetOption(words);
        int last = spec.lastKey() < 0 ? words.size() - 1 : Math.min(spec.lastKey(), words.size() - 1);
        for (int i = spec.firstKey(); i <= last; i += spec.step()) {
            RespReply r = spec.writes() ? verdict(who, Right.WRITE, words.get(i)) : null;
            if (r == null && reads) {
                r = verdict(who, Right.READ, words.get(i));
            }
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private RespReply verdict(Principal who, Right right, byte[] key) {
        return doorkeeper.key("resp", who, right, key) == Verdict.ALLOWED ? null
                : RespReply.error("NOPERM User " + ((Principal.Named) who).user() + " has no permissions to "
                + (right == Right.READ ? "read " : "write ") + (key.length == 0 ? "every key" : "the key used as an argument"));
    }

    private static boolean hasGetOption(List<byte[]> words) {
        for (int i = 3; i < words.size(); i++) {
            if (new String(words.get(i), StandardCharsets.UTF_8).equalsIgnoreCase("GET")) {
                return true;
            }
        }
        return false;
    }

    /** COMMAND, COMMAND COUNT, COMMAND INFO name..., COMMAND DOCS [name...] (no docs: an empty map). */
    private RespReply command(RespArgs a) {
        if (a.size() == 1) {
            List<RespReply> all = new ArrayList<>();
            table.values().forEach(spec -> all.add(info(spec)));
            return new RespReply.Array(all);
        }
        return switch (a.option(1)) {
            case "COUNT" -> new RespReply.Int(table.size());
            case "DOCS" -> new RespReply.MapReply(Map.of());
            case "INFO" -> {
                List<RespReply> out = new ArrayList<>();
                for (int i = 2; i < a.size(); i++) {
                    Spec spec = table.get(a.text(i).toLowerCase(Locale.ROOT));
                    out.add(spec == null ? RespReply.NULL : info(spec));
                }
                yield new RespReply.Array(out);
            }
            default -> RespReply.error("ERR unknown subcommand '" + a.text(1) + "'. Try COMMAND HELP.");
        };
    }

    private static RespReply info(Spec spec) {
        List<RespReply> flags = new ArrayList<>();
        spec.flags().forEach(f -> flags.add(new RespReply.Simple(f)));
        return new RespReply.Array(List.of(RespReply.bulk(spec.name()), new RespReply.Int(spec.arity()),
                new RespReply.Array(flags), new RespReply.Int(spec.firstKey()), new RespReply.Int(spec.lastKey()),
                new RespReply.Int(spec.step())));
    }

    /** Redis' text, the first arguments quoted as it does. */
    static String unknown(List<byte[]> words) {
        StringBuilder out = new StringBuilder("ERR unknown command '")
                .append(new String(words.get(0), StandardCharsets.UTF_8)).append("', with args beginning with:");
        for (int i = 1; i < words.size() && i <= 16; i++) {
            out.append(" '").append(new String(words.get(i), StandardCharsets.UTF_8)).append('\'');
        }
        return out.toString();
    }

    private void key(String name, int arity, boolean write, BiFunction<RespArgs, RespSession, CompletableFuture<RespReply>> run) {
        table.put(name, new Spec(name, arity, write ? List.of("write") : List.of("readonly", "fast"), 1, 1, 1, run,
                !write || READ_AND_WRITE.contains(name), write));
    }

    private void keys(String name, int arity, int step, BiFunction<RespArgs, RespSession, CompletableFuture<RespReply>> run) {
        boolean readonly = name.equals("mget") || name.equals("exists");
        table.put(name, new Spec(name, arity, List.of(readonly ? "readonly" : "write"), 1, -1, step, run, readonly, !readonly));
    }

    private void connection(String name, int arity, BiFunction<RespArgs, RespSession, CompletableFuture<RespReply>> run) {
        table.put(name, new Spec(name, arity, List.of("fast"), 0, 0, 0, run, false, false));
    }

    private static CompletableFuture<RespReply> done(RespReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
