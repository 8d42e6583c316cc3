package io.ringcache.bench;

import java.util.SplittableRandom;

/**
 * YCSB's Zipfian key chooser, written from the description in Gray et al., "Quickly Generating
 * Billion-Record Synthetic Databases" (SIGMOD 1994), which the YCSB paper (Cooper et al., SoCC
 * 2010) uses: rank {@code r} (0-based) of {@code n} items is drawn with probability
 * {@code 1 / ((r + 1)^theta * zeta(n, theta))}, where {@code zeta(n, theta) = sum_{i=1..n} 1/i^theta}.
 *
 * <p>One uniform draw {@code u} in [0, 1) gives a rank in O(1) once {@code zeta(n)} is known:
 * ranks 0 and 1 exactly, the rest by the paper's closed-form approximation
 * {@code n * (eta * u - eta + 1)^alpha} with {@code alpha = 1 / (1 - theta)} and
 * {@code eta = (1 - (2/n)^(1 - theta)) / (1 - zeta(2) / zeta(n))}.
 *
 * <p><b>Scrambled</b> (as YCSB's default): the popular ranks would otherwise be the first keys
 * (neighbours, so often one shard); the rank is hashed (SplitMix64 finalizer) and reduced
 * modulo {@code n}, which spreads the hot keys over the key space. Like YCSB's scrambling this
 * is not a bijection, so a few ranks share an item and the per-item shares differ slightly from
 * the pure distribution (the hottest item keeps at least its rank's share).
 *
 * <p>Immutable and thread-safe: the randomness comes from the caller's seeded generator, so one
 * instance serves every thread and a seed fixes the sequence.
 */
public final class Zipfian implements KeyChooser {

    /** YCSB's default skew. */
    public static final double YCSB_THETA = 0.99;

    private final int items;
    private final double theta;
    private final boolean scrambled;
    private final double zetaN;
    private final double alpha;
    private final double eta;
    private final double secondRankBound;

    public Zipfian(int items, double theta, boolean scrambled) {
        if (items < 2) {
            throw new IllegalArgumentException("need at least 2 items, got " + items);
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("theta must be in (0, 1), got " + theta);
        }
        this.items = items;
        this.theta = theta;
        this.scrambled = scrambled;
        this.zetaN = zeta(items, theta);
        double zeta2 = zeta(2, theta);
        this.alpha = 1.0 / (1.0 - theta);
        this.eta = (1.0 - Math.pow(2.0 / items, 1.0 - theta)) / (1.0 - zeta2 / zetaN);
        this.secondRankBound = 1.0 + Math.pow(0.5, theta);
    }

    /** YCSB's default: theta 0.99, scrambled. */
    public static Zipfian ycsb(int items) {
        return new Zipfian(items, YCSB_THETA, true);
    }

    /** {@code sum_{i=1..n} 1 / i^theta}. */
    public static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1.0 / Math.pow(i, theta);
        }
        return sum;
    }

    /** The exact probability of rank {@code r} (0-based) before scrambling. */
    public double rankProbability(int r) {
        return 1.0 / (Math.pow(r + 1, theta) * zetaN);
    }

    /** The rank (0 = most popular) for a uniform draw {@code u} in [0, 1). */
    int rank(double u) {
        double uz = u * zetaN;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < secondRankBound) {
            return 1;
        }
        long r = (long) (items * Math.pow(eta * u - eta + 1.0, alpha));
        return (int) Math.min(Math.max(r, 0), items - 1);
    }

    /** The item (key index in [0, items)) that rank {@code r} maps to. */
    int item(int r) {
        if (!scrambled) {
            return r;
        }
        // The golden-ratio offset keeps rank 0 away from mix's fixed point (mix(0) == 0).
        return (int) Long.remainderUnsigned(Keys.mix(r + 0x9E3779B97F4A7C15L), items);
    }

    @Override
    public int next(SplittableRandom random) {
        return item(rank(random.nextDouble()));
    }

    @Override
    public int items() {
        return items;
    }

    @Override
    public String toString() {
        return (scrambled ? "scrambled " : "") + "zipfian(theta=" + theta + ", n=" + items + ")";
    }
}
