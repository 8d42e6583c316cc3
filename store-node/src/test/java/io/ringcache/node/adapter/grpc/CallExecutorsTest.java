package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.stub.StreamObserver;
import io.ringcache.proto.v1.AdminResponse;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.RemoveShardReplicaRequest;
import io.ringcache.proto.v1.StoreAdminGrpc;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kv handlers run on the transport threads, and a blocked admin handler never holds one. */
class CallExecutorsTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<String> adminThread = new CompletableFuture<>();
    private volatile String kvThread;
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup worker = new NioEventLoopGroup(1);
    private CallExecutors executors;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        executors = new CallExecutors();
        // One event-loop thread: if an admin call blocked it, the Kv call below could not be read.
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .workerEventLoopGroup(worker)
                .bossEventLoopGroup(boss)
                .channelType(NioServerSocketChannel.class)
                .directExecutor().callExecutor(executors)
                .addService(new KvGrpc.KvImplBase() {
                    @Override
                    public void get(GetRequest request, StreamObserver<GetResponse> out) {
                        kvThread = Thread.currentThread().getName();
                        out.onNext(GetResponse.getDefaultInstance());
                        out.onCompleted();
                    }
                })
                .addService(new StoreAdminGrpc.StoreAdminImplBase() {
                    @Override
                    public void removeShardReplica(RemoveShardReplicaRequest request, StreamObserver<AdminResponse> out) {
                        adminThread.complete(Thread.currentThread().getName());
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        out.onNext(AdminResponse.getDefaultInstance());
                        out.onCompleted();
                    }
                })
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        executors.close();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        worker.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void kvOnTheTransportThreadAdminOnThePool() throws Exception {
        var admin = StoreAdminGrpc.newFutureStub(channel).removeShardReplica(RemoveShardReplicaRequest.getDefaultInstance());
        String blocked = adminThread.get(10, TimeUnit.SECONDS);
        assertTrue(blocked.startsWith("ringcache-grpc-blocking-"), blocked);

        GetResponse r = KvGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .get(GetRequest.getDefaultInstance());
        assertEquals(GetResponse.getDefaultInstance(), r);
        assertFalse(kvThread.startsWith("ringcache-grpc-blocking-"), kvThread);
        assertFalse(admin.isDone(), "the admin call is still blocked while the Kv call was served");

        release.countDown();
        admin.get(10, TimeUnit.SECONDS);
    }
}
