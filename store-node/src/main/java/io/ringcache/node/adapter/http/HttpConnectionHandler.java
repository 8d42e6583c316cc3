package io.ringcache.node.adapter.http;

import io.netty.buffer.ByteBuf;
import io.ringcache.node.adapter.auth.Doorkeeper;
import io.ringcache.placement.api.AuthorizationHeader;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection (or one HTTP/2 stream): reads each request's body up to the limit, hands
 * the complete request to the routes, and writes the replies <em>in request order</em> however
 * the asynchronous work completes (HTTP/1.1 pipelining).
 *
 * <p>Bounds: a body over the limit is refused at its headers (or, chunked, once it passes the
 * limit), answered 413 and the connection closed, so it is never buffered; at most
 * {@link #MAX_PIPELINED} requests of one connection are in progress before it stops reading;
 * and key-value requests in progress across the node are bounded by the shared {@code inFlight}
 * count, past which one is answered 503 with {@code Retry-After} (health checks are never refused).
 *
 * <p>Every field is touched only on the channel's event loop; completions from other threads are
 * handed to it.
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnectionHandler.class);
    /** How long a request waits for the store's first access table before a 503. */
    static final long RULES_WAIT_MILLIS = 10_000;
    static final int MAX_PIPELINED = 256;

    private final HttpRoutes routes;
    private final int maxBodyBytes;
    private final AtomicInteger inFlight;
    private final int maxInFlight;

    /** The request being read, until its last content arrives; null between requests. */
    private HttpRequest reading;
    private ByteBuf body;
    /** True while the rest of a refused request is discarded (the connection closes after its reply). */
    private boolean discarding;
    /**
     * Set when a refused body of a known, modest size is being read and dropped: the connection
     * closes once it has all arrived and the replies are out. Closing with the client still
     * sending would reset the connection, and the client could lose the 413 it was sent.
     */
    private boolean closeWhenDrained;
    /** The most of a refused body read and dropped before closing, so the client gets its reply. */
    static final long DRAIN_BYTES = 4L * 1024 * 1024;

    private long nextSequence;
    private long nextToWrite;
    private final TreeMap<Long, Outgoing> done = new TreeMap<>();
    private long closeAfter = -1;
    /** The refused body has been read (or waited for long enough): close once the replies are out. */
    private boolean drained;
    /** The last request started on this connection; the next starts when it completes. */
    private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

    private record Outgoing(FullHttpResponse response, boolean keepAlive) {
    }

    HttpConnectionHandler(HttpRoutes routes, int maxBodyBytes, AtomicInteger inFlight, int maxInFlight) {
        this.routes = routes;
        this.maxBodyBytes = maxBodyBytes;
        this.inFlight = inFlight;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                started(ctx, request);
            }
            if (msg instanceof LastHttpContent && discarding && closeWhenDrained) {
                closeWhenDrained = false;
                drained = true;
                closeIfDone(ctx);
            }
            if (msg instanceof HttpContent content && reading != null && !discarding) {
                append(ctx, content.content());
                if (msg instanceof LastHttpContent && reading != null && !discarding) {
                    finished(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void started(ChannelHandlerContext ctx, HttpRequest request) {
        if (discarding) {
            return;
        }
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpError error = cause instanceof TooLongFrameException
                    ? new HttpError(431, "too_large", "request line or headers too large")
                    : HttpError.badRequest("malformed request: " + cause.getMessage());
            refuse(ctx, request, error);
            return;
        }
        reading = request;
        long declared;
        try {
            declared = HttpUtil.getContentLength(request, -1L);
        } catch (NumberFormatException e) {
            refuse(ctx, request, HttpError.badRequest("malformed Content-Length"));
            return;
        }
        if (declared > maxBodyBytes) {
            refuse(ctx, request, HttpError.valueTooLarge(Long.toString(declared), maxBodyBytes), declared <= DRAIN_BYTES);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        body = declared > 0 ? ctx.alloc().heapBuffer((int) declared) : null;
    }

    private void append(ChannelHandlerContext ctx, ByteBuf chunk) {
        if (!chunk.isReadable()) {
            return;
        }
        int size = (body == null ? 0 : body.readableBytes()) + chunk.readableBytes();
        if (size > maxBodyBytes) {
            refuse(ctx, reading, HttpError.valueTooLarge("more than " + maxBodyBytes, maxBodyBytes));
            return;
        }
        if (body == null) {
            body = ctx.alloc().heapBuffer(chunk.readableBytes());
        }
        body.writeBytes(chunk);
    }

    private void finished(ChannelHandlerContext ctx) {
        HttpRequest request = reading;
        byte[] bytes = new byte[body == null ? 0 : body.readableBytes()];
        if (body != null) {
            body.readBytes(bytes);
        }
        reset();
        String uri = request.uri();
        int q = uri.indexOf('?');
        HttpCall received = new HttpCall(request.method().name(), q < 0 ? uri : uri.substring(0, q),
                q < 0 ? "" : uri.substring(q + 1), request.headers(), bytes);
        long sequence = nextSequence++;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpVersion version = request.protocolVersion();
        String refusal = io.ringcache.node.adapter.netty.NettyTls.refusal(ctx.channel(), received.path());
        if (refusal != null) {
            // On TLS: joining needs a member's certificate, profiling an operator's (NettyTls).
            HttpError denied = HttpError.forbidden(refusal);
            written(ctx, sequence, response(version, received, denied.reply(false), keepAlive), keepAlive);
            return;
        }
        io.netty.channel.Channel channel = ctx.channel();
        java.util.function.Supplier<java.security.cert.Certificate[]> peer =
                () -> io.ringcache.node.adapter.netty.NettyTls.peerChain(channel);
        boolean guarded = HttpRoutes.needsCaller(received.path());
        HttpCall call = received;
        HttpCall routed = call;
        boolean bounded = isKeyValue(routed.path());
        if (bounded && inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            HttpError busy = HttpError.unavailable("overloaded", "the node has " + maxInFlight
                    + " requests in progress; retry later");
            written(ctx, sequence, response(version, routed, busy.reply(routed.path().startsWith("/v1/")), keepAlive), keepAlive);
            return;
        }
        if (nextSequence - nextToWrite >= MAX_PIPELINED) {
            ctx.channel().config().setAutoRead(false);
        }
        // Pipelined requests run one after another, as they were sent: /set then /get of one key
        // must see the write (HTTP/1.1 allows parallel work only for safe methods; the seed's
        // /set is a GET). Connections, and HTTP/2 streams, run in parallel.
        java.util.function.Supplier<CompletableFuture<HttpReply>> serve = () -> guarded ? admitted(routed, peer)
                : routes.reply(routed);
        CompletableFuture<HttpReply> reply = previous.isDone() ? serve.get()
                : previous.handle((v, e) -> null).thenCompose(v -> serve.get());
        previous = reply;
        reply.whenComplete((r, e) -> {
            if (bounded) {
                inFlight.decrementAndGet();
            }
            if (ctx.executor().inEventLoop()) {
                written(ctx, sequence, response(version, routed, r, keepAlive), keepAlive);
            } else {
                ctx.executor().execute(() -> written(ctx, sequence, response(version, routed, r, keepAlive), keepAlive));
            }
        });
    }

    /**
     * The reply to a call that must show who sends it: its credentials checked by the
     * {@link Doorkeeper} (401 or 503 when they cannot be), then routed as that caller. Before the
     * store's first access table it waits for one (it comes with placement's first reply, as the
     * partition map does) up to {@link #RULES_WAIT_MILLIS}.
     */
    private CompletableFuture<HttpReply> admitted(HttpCall call, java.util.function.Supplier<java.security.cert.Certificate[]> peer) {
        Doorkeeper doorkeeper = routes.doorkeeper();
        if (!doorkeeper.rulesKnown()) {
            return doorkeeper.whenRulesKnown(RULES_WAIT_MILLIS).thenCompose(known -> admittedNow(call, peer));
        }
        return admittedNow(call, peer);
    }

    private CompletableFuture<HttpReply> admittedNow(HttpCall call,
                                                    java.util.function.Supplier<java.security.cert.Certificate[]> peer) {
        Doorkeeper.Admission admission = routes.doorkeeper().admit("http", call.header(AuthorizationHeader.NAME), peer);
        if (admission instanceof Doorkeeper.Turned turned) {
            return CompletableFuture.completedFuture(KvRoutes.error(turned.failure()).reply(call.path().startsWith("/v1/")));
        }
        return routes.reply(call.as(((Doorkeeper.Admitted) admission).who()));
    }

    /** Answers the request being read with {@code error} and closes the connection after it, unread. */
    private void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpError error) {
        refuse(ctx, request, error, false);
    }

    /**
     * Answers the request being read with {@code error} ({@code Connection: close}) and reads
     * nothing more of it: with {@code drain}, what is left of its body is still read and dropped
     * before the connection closes; otherwise it closes once the reply is out.
     */
    private void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpError error, boolean drain) {
        reset();
        discarding = true;
        long sequence = nextSequence++;
        HttpCall call = new HttpCall(request.method().name(), pathOf(request.uri()), "", request.headers(), new byte[0]);
        FullHttpResponse reply = response(request.protocolVersion(), call, error.reply(call.path().startsWith("/v1/")), false);
        if (drain) {
            closeWhenDrained = true;
            // A client that stops sending still loses the connection after a while.
            ctx.executor().schedule(() -> {
                drained = true;
                closeIfDone(ctx);
            }, 10, java.util.concurrent.TimeUnit.SECONDS);
            written(ctx, sequence, reply, true);
        } else {
            closeAfter = sequence;
            written(ctx, sequence, reply, false);
        }
    }

    /** Closes a connection whose refused body has all been read once every reply is out. */
    private void closeIfDone(ChannelHandlerContext ctx) {
        if (drained && done.isEmpty() && nextToWrite == nextSequence && ctx.channel().isActive()) {
            ctx.close();
        }
    }

    /** Records a finished reply and writes every reply that is next in order. */
    private void written(ChannelHandlerContext ctx, long sequence, FullHttpResponse response, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            response.release(); // the client left; nothing of this connection is written any more
            return;
        }
        done.put(sequence, new Outgoing(response, keepAlive));
        boolean wrote = false;
        Outgoing next;
        while ((next = done.remove(nextToWrite)) != null) {
            long seq = nextToWrite++;
            wrote = true;
            if (!next.keepAlive() || seq == closeAfter) {
                ctx.writeAndFlush(next.response()).addListener(ChannelFutureListener.CLOSE);
                done.values().forEach(o -> o.response().release());
                done.clear();
                return;
            }
            ctx.write(next.response());
        }
        if (wrote) {
            ctx.flush();
            closeIfDone(ctx);
            if (!ctx.channel().config().isAutoRead() && nextSequence - nextToWrite < MAX_PIPELINED / 2) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    private static FullHttpResponse response(HttpVersion version, HttpCall call, HttpReply reply, boolean keepAlive) {
        boolean head = call.head();
        FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(reply.status()),
                head || reply.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        reply.headers().forEach(response.headers()::set);
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }

    /** Key-value requests count against the node's bound; health, readiness and metrics never do. */
    static boolean isKeyValue(String path) {
        return path.startsWith("/v1/kv") || path.equals("/set") || path.equals("/get");
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private void reset() {
        reading = null;
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reset();
        done.values().forEach(o -> o.response().release());
        done.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
