package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HotKeysTest {

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void findsTheHotKeysOfASkewedStreamInBoundedMemory() {
        HotKeys hot = new HotKeys();
        SplittableRandom random = new SplittableRandom(11);
        // Keys 0-4 take 40% of 400,000 reads (8% each); the rest spread over 100,000 keys.
        for (int i = 0; i < 400_000; i++) {
            hot.read(key(random.nextInt(100) < 40 ? random.nextInt(5) : 5 + random.nextInt(100_000)));
        }
        List<HotKeys.HotKey> top = hot.top(HotKeys.CAPACITY + 10);
        assertTrue(top.size() <= HotKeys.CAPACITY, "bounded: " + top.size());
        for (int rank = 0; rank < 5; rank++) {
            int k = Integer.parseInt(new String(top.get(rank).key(), StandardCharsets.US_ASCII).substring(4));
            assertTrue(k < 5, "rank " + rank + " is cold key " + k);
            // Space-Saving's guarantee: a hot key's lower bound is above any cold counter's upper bound.
            assertTrue(top.get(rank).reads() - top.get(rank).error() > top.get(5).reads(),
                    "rank " + rank + ": " + top.get(rank).reads() + " - " + top.get(rank).error() + " vs " + top.get(5).reads());
        }
    }

    @Test
    void aKeyNoLongerReadLeavesTheTop() {
        HotKeys hot = new HotKeys();
        for (int i = 0; i < 50_000; i++) {
            hot.read(key(1));
        }
        assertArrayEquals(key(1), hot.top(1).get(0).key());
        // After two halving periods of reads of other keys only, it ranks below them...
        for (int i = 0; i < 2 * HotKeys.HALVE_EVERY * HotKeys.SAMPLE_EVERY; i++) {
            hot.read(key(2 + i % 3));
        }
        assertTrue(!java.util.Arrays.equals(key(1), hot.top(1).get(0).key()), "still first after two periods without reads");
        // ...and after enough halvings its count reaches 0 and it is gone.
        for (int i = 0; i < 15 * HotKeys.HALVE_EVERY * HotKeys.SAMPLE_EVERY; i++) {
            hot.read(key(2 + i % 3));
        }
        for (HotKeys.HotKey k : hot.top(HotKeys.CAPACITY)) {
            assertTrue(!new String(k.key(), StandardCharsets.US_ASCII).equals("key:1"), "the old hot key stayed: " + k);
        }
        assertEquals(3, hot.top(10).size());
    }

    @Test
    void countsScaleBackToAllReadsAndTheKeyIsACopy() {
        HotKeys hot = new HotKeys();
        byte[] k = key(7);
        for (int i = 0; i < 800; i++) {
            hot.read(k);
        }
        k[0] = 'X';
        HotKeys.HotKey top = hot.top(1).get(0);
        assertEquals(800, top.reads());
        assertEquals(0, top.error());
        assertArrayEquals(key(7), top.key());
    }

    @Test
    void aKeyTakingAShareOfTheReadsIsHotAndOthersAreNot() {
        HotKeys hot = new HotKeys();
        assertTrue(!hot.isHot(key(1)), "nothing is hot before any read");
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            hot.read(key(random.nextInt(10) < 3 ? 1 : 100 + random.nextInt(10_000)));
        }
        assertTrue(hot.isHot(key(1)), "a key with 30% of the reads is hot");
        assertTrue(!hot.isHot(key(150)), "a key among 10,000 is not");
    }
}
