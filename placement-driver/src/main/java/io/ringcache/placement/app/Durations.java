package io.ringcache.placement.app;

/** Parses durations as flags give them: 500ms, 30s, 5m, 1h (a bare number is seconds). */
public final class Durations {

    private Durations() {
    }

    public static long millis(String text, String flag) {
        String t = text.trim();
        try {
            if (t.endsWith("ms")) {
                return check(Long.parseLong(t.substring(0, t.length() - 2)), flag, text);
            }
            long unit = t.endsWith("s") ? 1_000 : t.endsWith("m") ? 60_000 : t.endsWith("h") ? 3_600_000 : 0;
            if (unit == 0) {
                return check(Long.parseLong(t) * 1_000, flag, text);
            }
            return check(Long.parseLong(t.substring(0, t.length() - 1)) * unit, flag, text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a duration like 500ms, 30s or 5m, not '" + text + "'");
        }
    }

    private static long check(long ms, String flag, String text) {
        if (ms <= 0) {
            throw new IllegalArgumentException(flag + " must be positive, not '" + text + "'");
        }
        return ms;
    }
}
