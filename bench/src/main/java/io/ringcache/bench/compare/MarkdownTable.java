package io.ringcache.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A GitHub-flavoured Markdown table, plus the number formats the comparison prints in it. Cells
 * are escaped for '|' so a value can never split a row; every row has the header's width.
 */
public final class MarkdownTable {

    private final List<String> headers;
    private final List<Boolean> rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /** Each header ending in ":" is a right-aligned (numeric) column; the colon is not shown. */
    public MarkdownTable(List<String> headers) {
        this.headers = new ArrayList<>();
        this.rightAligned = new ArrayList<>();
        for (String h : headers) {
            boolean right = h.endsWith(":");
            this.headers.add(right ? h.substring(0, h.length() - 1) : h);
            this.rightAligned.add(right);
        }
    }

    public MarkdownTable row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, table has " + headers.size()
                    + " columns");
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        line(b, headers);
        List<String> rule = new ArrayList<>();
        for (boolean right : rightAligned) {
            rule.add(right ? "---:" : "---");
        }
        line(b, rule);
        rows.forEach(r -> line(b, r));
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells) {
        b.append('|');
        for (String c : cells) {
            b.append(' ').append(c.replace("|", "\\|")).append(" |");
        }
        b.append('\n');
    }

    /** Whole numbers with thousands separators: "12,345". */
    public static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** Nanoseconds as milliseconds, three significant-ish digits: "0.412", "3.27", "118.4". */
    public static String millis(double nanos) {
        double ms = nanos / 1e6;
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.3f", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        return String.format(Locale.ROOT, "%.1f", ms);
    }

    /** A ratio with an "x": "12.3x", "0.85x", "0.042x"; "-" when it cannot be formed. */
    public static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r) || r < 0) {
            return "-";
        }
        if (r >= 10) {
            return String.format(Locale.ROOT, "%.1fx", r);
        }
        if (r >= 0.1) {
            return String.format(Locale.ROOT, "%.2fx", r);
        }
        return String.format(Locale.ROOT, "%.3fx", r);
    }
}
