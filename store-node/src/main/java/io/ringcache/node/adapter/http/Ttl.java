package io.ringcache.node.adapter.http;

/**
 * Parses a time to live: whole seconds like the seed ({@code 30}), or a duration of whole numbers
 * with units {@code ms}, {@code s}, {@code m}, {@code h}, alone or combined ({@code 500ms}, {@code 10s},
 * {@code 1h30m}). Absent or empty means no expiry.
 */
final class Ttl {

    private Ttl() {
    }

    /** The time to live in milliseconds, 0 for none; throws a 400 for anything else. */
    static long parseMillis(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        String s = text.strip();
        if (s.isEmpty()) {
            throw invalid(text);
        }
        try {
            if (allDigits(s)) {
                return Math.multiplyExact(Long.parseLong(s), 1000L);
            }
            long total = 0;
            int i = 0;
            while (i < s.length()) {
                int start = i;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    throw invalid(text);
                }
                long amount = Long.parseLong(s.substring(start, i));
                int unitStart = i;
                while (i < s.length() && Character.isLetter(s.charAt(i))) {
                    i++;
                }
                long unit = switch (s.substring(unitStart, i)) {
                    case "ms" -> 1L;
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    case "h" -> 3_600_000L;
                    default -> throw invalid(text);
                };
                total = Math.addExact(total, Math.multiplyExact(amount, unit));
            }
            return total;
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid(text);
        }
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static HttpError invalid(String text) {
        String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return HttpError.badRequest("invalid ttl '" + shown + "': use seconds (30) or a duration (500ms, 10s, 5m, 1h)");
    }
}
