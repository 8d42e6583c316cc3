package io.ringcache.bench;

import java.util.SplittableRandom;

/** Picks a key index in [0, items()) from the caller's seeded random source; thread-safe. */
public interface KeyChooser {

    int next(SplittableRandom random);

    int items();

    /** Every index equally likely. */
    static KeyChooser uniform(int items) {
        if (items < 1) {
            throw new IllegalArgumentException("need at least 1 item, got " + items);
        }
        return new KeyChooser() {
            @Override
            public int next(SplittableRandom random) {
                return random.nextInt(items);
            }

            @Override
            public int items() {
                return items;
            }

            @Override
            public String toString() {
                return "uniform(n=" + items + ")";
            }
        };
    }

    /** {@code base}, except that a share {@code share} of the picks is index 0: one key takes that share of the load. */
    static KeyChooser withHotKey(KeyChooser base, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("the hot key's share must be in [0, 1], got " + share);
        }
        return new KeyChooser() {
            @Override
            public int next(SplittableRandom random) {
                return random.nextDouble() < share ? 0 : base.next(random);
            }

            @Override
            public int items() {
                return base.items();
            }

            @Override
            public String toString() {
                return base + " with key 0 taking " + share;
            }
        };
    }
}
