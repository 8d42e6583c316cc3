package io.ringcache.node.adapter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keys in the exposition's labels: text as text (escaped), anything else as base64, never raw bytes. */
class HotKeyLabelsTest {

    @Test
    void textStaysTextAndBinaryBecomesBase64() {
        assertEquals("user:42", NodeMetrics.labelValue("user:42".getBytes(StandardCharsets.UTF_8)));
        assertEquals("clé", NodeMetrics.labelValue("clé".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a\\\\b\\\"c", NodeMetrics.labelValue("a\\b\"c".getBytes(StandardCharsets.UTF_8)));
        assertEquals("base64:AAE=", NodeMetrics.labelValue(new byte[] {0, 1}), "control characters");
        assertEquals("base64:/w==", NodeMetrics.labelValue(new byte[] {(byte) 0xFF}), "not UTF-8");
        assertEquals("base64:YQpi", NodeMetrics.labelValue("a\nb".getBytes(StandardCharsets.UTF_8)), "a newline");
    }
}
