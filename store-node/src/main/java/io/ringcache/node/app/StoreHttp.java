package io.ringcache.node.app;

import io.ringcache.node.adapter.http.HttpApi;
import io.ringcache.node.adapter.http.HttpSettings;
import io.ringcache.node.adapter.http.Json;
import io.ringcache.node.adapter.profiling.PprofEndpoints;
import io.ringcache.node.core.KvRequests;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.RegisterStoreRequest;
import io.ringcache.proto.v1.RegisterStoreResponse;
import io.ringcache.shard.core.ShardLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Wires the HTTP adapter to this node, and joins a cluster through a member's HTTP API. */
final class StoreHttp implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreHttp.class);

    private final HttpApi api;

    StoreHttp(StoreNode node, KvRequests requests, ShardLimits limits,
              io.ringcache.node.adapter.http.HotKeysEndpoint hotKeys, io.ringcache.node.adapter.auth.Doorkeeper doorkeeper) {
        this.api = new HttpApi(requests, new HttpSettings(limits.maxKeyBytes(), limits.maxValueBytes()),
                node::clusterJson,
                (nodeId, raftAddr, params) -> {
                    String grpc = params.getOrDefault("grpc_addr", "");
                    String http = params.getOrDefault("http_addr", "");
                    if (grpc.isEmpty()) {
                        throw new IllegalArgumentException("grpc_addr is required: a store joins by starting it with -join, "
                                + "which registers its gRPC and HTTP addresses");
                    }
                    node.join(new StoreInfo(nodeId, grpc, http, raftAddr, Map.of(), StoreState.UP));
                    return "joined";
                },
                node::ready, node::metrics,
                Map.of(PprofEndpoints.PREFIX, new PprofEndpoints(), io.ringcache.node.adapter.http.HotKeysEndpoint.PATH, hotKeys),
                doorkeeper);
    }

    int start(InetSocketAddress address, io.ringcache.node.adapter.netty.NettyTls tls) throws IOException {
        return api.start(address, tls);
    }

    @Override
    public void close() {
        api.close();
    }

    /**
     * Joins through the member at {@code memberHttp} (the seed's {@code -join}): registers this
     * store with its {@code /join}, then reads where placement runs from its {@code /v1/cluster}.
     * Over HTTPS with {@code tls} (null: plain HTTP), presenting this store's certificate.
     *
     * @return the placement driver's gRPC address
     */
    static String joinThrough(String memberHttp, StoreInfo self, io.ringcache.transport.TransportTls tls) throws IOException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        HttpClient client = (tls == null ? builder : builder.sslContext(tls.sslContext(false))).build();
        String base = (tls == null ? "http://" : "https://")
                + (memberHttp.startsWith(":") ? "127.0.0.1" + memberHttp : memberHttp);
        String query = "node_id=" + enc(self.id()) + "&addr=" + enc(self.raftAddress())
                + "&grpc_addr=" + enc(self.grpcAddress()) + "&http_addr=" + enc(self.httpAddress());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> joined = client.send(HttpRequest.newBuilder(URI.create(base + "/join?" + query))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (joined.statusCode() != 200) {
                    throw new IOException("joining through " + memberHttp + " failed: HTTP " + joined.statusCode()
                            + " " + joined.body().trim());
                }
                HttpResponse<String> cluster = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/cluster"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                String pd = cluster.statusCode() == 200 ? placementDriverOf(cluster.body()) : "";
                if (!pd.isEmpty()) {
                    return pd;
                }
                throw new IOException(memberHttp + " does not know the placement driver yet");
            } catch (IOException e) {
                if (last == null || !String.valueOf(last.getMessage()).equals(String.valueOf(e.getMessage()))) {
                    LOG.warn("joining through {} failed, retrying for up to 60 s: {}", memberHttp, e.toString());
                }
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while joining", e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while joining", e);
            }
        }
        throw last != null ? last : new IOException("could not join through " + memberHttp);
    }

    /** Registers {@code store} with the placement driver at {@code pd}. */
    static void register(StoreChannels channels, String pd, StoreInfo store) {
        RegisterStoreResponse r = PlacementDriverGrpc.newBlockingStub(channels.to(pd)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .registerStore(RegisterStoreRequest.newBuilder().setStore(PartitionMapProtos.toProto(store)).build());
        if (r.hasError()) {
            throw new IllegalArgumentException("placement refused store " + store.id() + ": "
                    + r.getError().getInvalidArgument().getMessage());
        }
    }

    /** The {@code placement_driver} field of a {@code /v1/cluster} document; empty when absent or unreadable. */
    static String placementDriverOf(String clusterJson) {
        try {
            return Json.MAPPER.readTree(clusterJson).path("placement_driver").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
