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
}
