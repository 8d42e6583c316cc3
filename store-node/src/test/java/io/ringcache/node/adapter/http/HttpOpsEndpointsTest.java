package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /health, /ready and /metrics. */
class HttpOpsEndpointsTest {

    private HttpHarness http;

    @BeforeEach
    void start() {
        http = new HttpHarness();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void healthIsOk() {
        HttpResponse<String> health = http.get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("ok", health.body());
        assertEquals("text/plain; charset=utf-8", health.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(200, http.send("HEAD", "/health").statusCode());
    }

    @Test
    void readyFollowsTheSupplier() {
        HttpResponse<String> notReady = http.get("/ready");
        assertEquals(503, notReady.statusCode());
        assertEquals("not ready", notReady.body());

        http.ready.set(true);
        HttpResponse<String> ready = http.get("/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready", ready.body());

        http.ready.set(false);
        assertEquals(503, http.get("/ready").statusCode());
    }

    @Test
    void metricsArePrometheusText() {
        HttpResponse<String> metrics = http.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                metrics.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("# TYPE ringcache_up gauge\nringcache_up 1\n", metrics.body());
    }

    @Test
    void startingTwiceIsRefusedAndClosingTwiceIsHarmless() {
        HttpApi api = new HttpApi(new FakeKvRequests(), HttpSettings.defaults()
                .withStopGrace(Duration.ZERO), () -> "{}", (id, addr, p) -> null, () -> true, () -> "");
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        assertTrue(api.start(any) > 0);
        assertThrows(IllegalStateException.class, () -> api.start(any));
        api.close();
        api.close();
    }
}
