package io.ringcache.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfianTest {

    private static final int SAMPLES = 400_000;

    private static int[] counts(KeyChooser chooser, long seed) {
        int[] counts = new int[chooser.items()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < SAMPLES; i++) {
            counts[chooser.next(random)]++;
        }
        return counts;
    }

    private static void assertNear(double expected, double actual, double relativeTolerance, String what) {
        assertTrue(Math.abs(actual - expected) <= relativeTolerance * expected,
                what + ": expected " + expected + " +- " + (relativeTolerance * 100) + "%, got " + actual);
    }

    @Test
    void zetaOfSmallNIsTheSum() {
        assertEquals(1.0 + 1.0 / Math.pow(2, 0.99) + 1.0 / Math.pow(3, 0.99), Zipfian.zeta(3, 0.99), 1e-12);
    }

    @Test
    void hottestRanksHaveTheirZipfShareUnscrambled() {
        int n = 1000;
        Zipfian z = new Zipfian(n, 0.99, false);
        int[] c = counts(z, 7);
        double zeta = Zipfian.zeta(n, 0.99);
        // Ranks 0 and 1 are exact in Gray's method: 1/zeta(n) and 1/(2^theta zeta(n)); ~0.137 and ~0.069 here.
        assertNear(1.0 / zeta, c[0] / (double) SAMPLES, 0.03, "share of rank 0");
        assertNear(1.0 / (Math.pow(2, 0.99) * zeta), c[1] / (double) SAMPLES, 0.05, "share of rank 1");
        assertEquals(0, Arrays.stream(c).boxed().max(Integer::compare).map(m -> indexOf(c, m)).orElseThrow());
        // The rest follow the closed-form approximation: the top 100 ranks hold about their exact share.
        double top100 = 0;
        long top100Count = 0;
        for (int r = 0; r < 100; r++) {
            top100 += z.rankProbability(r);
            top100Count += c[r];
        }
        assertNear(top100, top100Count / (double) SAMPLES, 0.05, "share of ranks 0-99");
        // Popularity falls with rank: rank 10's count well above rank 500's.
        assertTrue(c[10] > 5 * c[500], "rank 10 " + c[10] + " vs rank 500 " + c[500]);
    }

    @Test
    void mostPopularKeyShareScrambledForYcsbDefaults() {
        int n = 100_000;
        Zipfian z = Zipfian.ycsb(n);
        int[] c = counts(z, 11);
        int hottest = 0;
        for (int i = 1; i < n; i++) {
            if (c[i] > c[hottest]) {
                hottest = i;
            }
        }
        // theta 0.99 over 100,000 items: zeta ~ 12.8, so the hottest key draws ~7.8% of requests.
        double expected = 1.0 / Zipfian.zeta(n, 0.99);
        assertTrue(expected > 0.07 && expected < 0.09, "zeta sanity: " + expected);
        assertNear(expected, c[hottest] / (double) SAMPLES, 0.05, "hottest key's share");
        assertEquals(z.item(0), hottest, "the hottest key is rank 0's item");
        assertTrue(z.item(0) != 0 && z.item(1) != 1, "scrambled: hot ranks are not the first keys");
        // Scrambling spreads hot keys: the hottest 10 ranks land on (nearly) 10 distinct items.
        assertTrue(java.util.stream.IntStream.range(0, 10).map(z::item).distinct().count() >= 9);
    }

    @Test
    void sameSeedSameSequenceOtherSeedOtherSequence() {
        Zipfian z = Zipfian.ycsb(50_000);
        int[] a = sequence(z, 123);
        int[] b = sequence(z, 123);
        int[] other = sequence(z, 124);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, other));
        assertArrayEquals(sequence(Zipfian.ycsb(50_000), 123), a, "a new instance with the same parameters agrees");
        assertTrue(Arrays.stream(a).allMatch(i -> i >= 0 && i < 50_000));
    }

    @Test
    void uniformIsFlatAndInRange() {
        int[] c = counts(KeyChooser.uniform(100), 3);
        for (int i = 0; i < 100; i++) {
            assertNear(SAMPLES / 100.0, c[i], 0.1, "uniform count of " + i);
        }
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new Zipfian(1, 0.99, true));
        assertThrows(IllegalArgumentException.class, () -> new Zipfian(10, 1.0, true));
        assertThrows(IllegalArgumentException.class, () -> KeyChooser.uniform(0));
    }

    private static int[] sequence(KeyChooser z, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] out = new int[1000];
        for (int i = 0; i < out.length; i++) {
            out[i] = z.next(random);
        }
        return out;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
