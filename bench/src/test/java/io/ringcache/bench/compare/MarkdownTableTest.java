package io.ringcache.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTableTest {

    @Test
    void rendersHeaderRuleAndRowsWithAlignment() {
        String t = new MarkdownTable(List.of("Workload", "ops/s:"))
                .row(List.of("w", "1,234"))
                .row(List.of("a|b", "5"))
                .render();
        assertEquals("| Workload | ops/s |\n| --- | ---: |\n| w | 1,234 |\n| a\\|b | 5 |\n", t);
    }

    @Test
    void rowsMustMatchTheHeader() {
        MarkdownTable t = new MarkdownTable(List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> t.row(List.of("only one")));
    }

    @Test
    void numberFormats() {
        assertEquals("12,346", MarkdownTable.count(12_345.6));
        assertEquals("0.412", MarkdownTable.millis(412_000));
        assertEquals("3.27", MarkdownTable.millis(3_270_000));
        assertEquals("118.4", MarkdownTable.millis(118_400_000));
        assertEquals("12.3x", MarkdownTable.ratio(12.34));
        assertEquals("0.85x", MarkdownTable.ratio(0.851));
        assertEquals("0.042x", MarkdownTable.ratio(0.0421));
        assertEquals("-", MarkdownTable.ratio(Double.NaN));
        assertEquals("-", MarkdownTable.ratio(Double.POSITIVE_INFINITY));
    }
}
