package io.ringcache.node.adapter.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ringcache.node.adapter.time.ScheduledPacer;
import io.ringcache.node.core.AccessRules;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.node.core.InMemoryLocalShards;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.RequestPath;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.api.Argon2Secrets;
import io.ringcache.placement.core.access.AccessChange;
import io.ringcache.placement.core.access.AccessChangeException;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.placement.core.access.AccessToken;
import io.ringcache.placement.core.access.KeyPermission;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.routing.TokenPlanner;
import io.ringcache.shard.core.ShardLimits;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The access table the front doors' auth tests share, built without placement: role {@code app}
 * reads and writes {@code app/}, {@code reader} only reads it, {@code ops} is admin; users alice
 * (app, plus a bearer token), rob (reader, plus an expired token) and root (ops). Each password is
 * hashed once per JVM (Argon2 costs tens of ms a hash).
 */
public final class AuthFixture {

    public static final String ALICE_PASSWORD = "alice-password";
    public static final String ROB_PASSWORD = "rob-password";
    public static final String ROOT_PASSWORD = "root-password";
    /** Alice's bearer token. */
    public static final String ALICE_TOKEN = Argon2Secrets.newToken();
    /** Rob's token, expired long ago. */
    public static final String EXPIRED_TOKEN = Argon2Secrets.newToken();

    private static final Argon2Secrets DIGESTS = new Argon2Secrets();

    /** Auth on, with the users and roles above. */
    public static final AccessTable ENABLED = build();

    /** One refusal the doorkeeper (or the gRPC interceptor) counted. */
    public record Refusal(String door, String reason) {
    }

    private AuthFixture() {
    }

    private static AccessTable build() {
        List<AccessChange> changes = List.of(
                new AccessChange.AddRole("app"),
                new AccessChange.GrantKeys("app", new KeyPermission("app/".getBytes(UTF_8), true, true)),
                new AccessChange.AddRole("reader"),
                new AccessChange.GrantKeys("reader", new KeyPermission("app/".getBytes(UTF_8), true, false)),
                new AccessChange.AddRole("ops"),
                new AccessChange.GrantAdmin("ops"),
                new AccessChange.AddUser("alice", Argon2Secrets.hash(ALICE_PASSWORD)),
                new AccessChange.GrantRole("alice", "app"),
                new AccessChange.AddUser("rob", Argon2Secrets.hash(ROB_PASSWORD)),
                new AccessChange.GrantRole("rob", "reader"),
                new AccessChange.AddUser("root", Argon2Secrets.hash(ROOT_PASSWORD)),
                new AccessChange.GrantRole("root", "ops"),
                new AccessChange.AddToken("alice", new AccessToken(DIGESTS.tokenDigest(ALICE_TOKEN), 0, 0)),
                new AccessChange.AddToken("rob", new AccessToken(DIGESTS.tokenDigest(EXPIRED_TOKEN), 0, 1)),
                new AccessChange.Enable());
        AccessTable t = AccessTable.EMPTY;
        try {
            for (AccessChange c : changes) {
                t = t.apply(c);
            }
        } catch (AccessChangeException e) {
            throw new IllegalStateException(e);
        }
        if (!t.enabled()) {
            throw new IllegalStateException("auth should be on: " + t);
        }
        return t;
    }

    public static AccessRules rules(AccessTable table) {
        AccessRules rules = new AccessRules();
        rules.learn(table);
        return rules;
    }

    /** A doorkeeper over {@code rules} (no TLS, the wall clock) that records each refusal in {@code refusals}. */
    public static Doorkeeper doorkeeper(AccessRules rules, List<Refusal> refusals) {
        return new Doorkeeper(rules, new Argon2Secrets(), null, System::currentTimeMillis,
                (door, reason) -> refusals.add(new Refusal(door, reason)));
    }

    /** A thread-safe list for refusals (they are counted on transport and pool threads). */
    public static List<Refusal> refusalLog() {
        return new CopyOnWriteArrayList<>();
    }

    /**
     * The real request path over four in-memory shards, every one hosted and led here (as
     * RespServerTest builds it): writes apply, reads see them.
     */
    public static RequestPath inMemoryPath(ShardLimits limits, LongSupplier clock, ScheduledPacer pacer) {
        InMemoryLocalShards local = new InMemoryLocalShards("self", limits, clock);
        CurrentMap map = new CurrentMap();
        StoreInfo self = new StoreInfo("self", "self:1", "self:2", "self:3", Map.of(), StoreState.UP);
        map.offer(new PartitionMap(1, TokenPlanner.initial(0, 1, 2, 3), Map.of(
                0, new ShardInfo(0, List.of("self"), "self", 1), 1, new ShardInfo(1, List.of("self"), "self", 1),
                2, new ShardInfo(2, List.of("self"), "self", 1), 3, new ShardInfo(3, List.of("self"), "self", 1)),
                Map.of("self", self)));
        for (int shard = 0; shard < 4; shard++) {
            local.host(shard, "self");
        }
        return new RequestPath(map, local, (store, address, shard, op, epoch, budget) ->
                CompletableFuture.completedFuture(new ShardOutcome.Failed(
                        new KvFailure.Unavailable(shard, "no other store", true))),
                pacer, limits, s -> { });
    }
}
