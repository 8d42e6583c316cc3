package io.ringcache.placement.api;

import java.util.Locale;

/**
 * Parses byte sizes as flags give them: {@code 0}, {@code 512}, {@code 64KiB}, {@code 32MiB},
 * {@code 2GiB} (also KB/MB/GB and K/M/G, all as powers of 1024, as the store's flags read them).
 * Written here because picocli has no size type and the rule is a dozen lines; the placement
 * driver's and the store's flags share it.
 */
public final class ByteSizes {

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException naming {@code flag} when {@code text} is not a size */
    public static long bytes(String text, String flag) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        for (String[] suffix : new String[][] {{"KIB", "KB", "K"}, {"MIB", "MB", "M"}, {"GIB", "GB", "G"}}) {
            unit <<= 10;
            for (String s : suffix) {
                if (t.endsWith(s)) {
                    return scaled(t.substring(0, t.length() - s.length()), unit, flag, text);
                }
            }
        }
        return scaled(t.endsWith("B") ? t.substring(0, t.length() - 1) : t, 1, flag, text);
    }

    private static long scaled(String number, long unit, String flag, String text) {
        try {
            long n = Long.parseLong(number.trim());
            if (n < 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a size like 0, 64KiB, 32MiB or 2GiB, not '" + text + "'");
        }
    }
}
