package io.ringcache.bench;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.ringcache.node.adapter.http.HttpApi;
import io.ringcache.node.adapter.http.HttpSettings;
import io.ringcache.node.adapter.netty.OffLoopRequests;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.Routing;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.StoredValue;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two HTTP servers over one in-memory request path, for choosing the node's HTTP server (issue
 * 15): {@code netty} is the node's own {@link HttpApi} (Netty's codec, the production routes), and
 * {@code vertx} is Vert.x's HTTP server serving the seed's {@code /set} and {@code /get} the same
 * way (parameters decoded, the request path called off the event loop through the same
 * {@link OffLoopRequests}, the reply written on the connection's context). The request path
 * behind both answers from a map at once, so what differs is the server. Load it with wrk;
 * {@code bench/http-frameworks.sh} does, A B A B.
 *
 * <pre>java -cp benchmarks.jar io.ringcache.bench.HttpFrameworks netty|vertx PORT</pre>
 */
public final class HttpFrameworks {

    private HttpFrameworks() {
    }

    /** Answers puts and gets from a map, completing at once: a request path with no cost of its own. */
    static final class MapRequests implements KvRequests {
        private final Map<String, StoredValue> values = new ConcurrentHashMap<>();
        private final AtomicLong versions = new AtomicLong();

        @Override
        public CompletableFuture<ShardOutcome> submit(byte[] key, ShardOp op, Routing routing) {
            String k = new String(key, StandardCharsets.UTF_8);
            if (op instanceof ShardOp.Read r && r.query() instanceof Query.Get) {
                return CompletableFuture.completedFuture(new ShardOutcome.Answered(0, 1, 1,
                        new ResultCodec.Answer.Value(values.get(k))));
            }
            if (op instanceof ShardOp.Write w && w.command() instanceof Command.Put p) {
                long version = versions.incrementAndGet();
                StoredValue before = values.put(k, new StoredValue(p.value(), version, 0));
                return CompletableFuture.completedFuture(new ShardOutcome.Applied(0, version, 1,
                        new CommandResult.Written(version, before == null ? 0 : before.version())));
            }
            return CompletableFuture.completedFuture(new ShardOutcome.Failed(
                    new KvFailure.InvalidArgument("this bench serves only /set and /get")));
        }

        @Override
        public CompletableFuture<ShardOutcome> submitToShard(int shardId, ShardOp op, Routing routing) {
            return submit(new byte[] {'x'}, op, routing);
        }

        @Override
        public Optional<PartitionMap> map() {
            return Optional.empty();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !List.of("netty", "vertx").contains(args[0])) {
            System.err.println("usage: HttpFrameworks netty|vertx PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        MapRequests requests = new MapRequests();
        HttpSettings settings = new HttpSettings(HttpSettings.DEFAULT_MAX_KEY_BYTES, HttpSettings.DEFAULT_MAX_VALUE_BYTES);
        if (args[0].equals("netty")) {
            HttpApi api = new HttpApi(requests, settings, () -> "{}", (id, addr, params) -> {
                throw new IllegalStateException("no joining here");
            }, () -> true, () -> "");
            api.start(new InetSocketAddress("127.0.0.1", port));
        } else {
            serveWithVertx(requests, settings, port);
        }
        System.out.println("HttpFrameworks " + args[0] + " listening on 127.0.0.1:" + port);
        new CountDownLatch(1).await();
    }

    /** Vert.x with as many event loops as the node's Netty server has transport threads. */
    private static void serveWithVertx(KvRequests requests, HttpSettings settings, int port) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.threads()));
        OffLoopRequests calls = new OffLoopRequests(requests, "vertx-calls", OffLoopRequests.DEFAULT_THREADS);
        long budget = settings.kvDeadline().toMillis();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(req -> {
                    Context context = Vertx.currentContext();
                    Map<String, List<String>> query = new QueryStringDecoder(req.uri()).parameters();
                    String key = first(query, "key");
                    if (key == null || key.isEmpty()) {
                        reply(req, 400, "missing key");
                        return;
                    }
                    byte[] k = key.getBytes(StandardCharsets.UTF_8);
                    switch (req.path()) {
                        case "/set" -> {
                            byte[] v = String.valueOf(first(query, "value")).getBytes(StandardCharsets.UTF_8);
                            calls.submit(k, new ShardOp.Write(new Command.Put(k, v, 0), k.length + v.length), budget)
                                    .whenComplete((o, e) -> context.runOnContext(x -> reply(req,
                                            o instanceof ShardOutcome.Applied ? 200 : 503, o instanceof ShardOutcome.Applied ? "ok" : "failed")));
                        }
                        case "/get" -> calls.submit(k, new ShardOp.Read(new Query.Get(k), io.ringcache.node.core.Consistency.LINEARIZABLE), budget)
                                .whenComplete((o, e) -> context.runOnContext(x -> {
                                    if (o instanceof ShardOutcome.Answered a && a.answer() instanceof ResultCodec.Answer.Value val) {
                                        if (val.value() == null) {
                                            reply(req, 404, "not found");
                                        } else {
                                            req.response().setStatusCode(200).putHeader("Content-Type", "text/plain; charset=utf-8")
                                                    .end(io.vertx.core.buffer.Buffer.buffer(val.value().value()));
                                        }
                                    } else {
                                        reply(req, 503, "failed");
                                    }
                                }));
                        default -> reply(req, 404, "no such path");
                    }
                });
        server.listen().toCompletionStage().toCompletableFuture().get();
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void reply(HttpServerRequest req, int status, String body) {
        req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
    }
}
