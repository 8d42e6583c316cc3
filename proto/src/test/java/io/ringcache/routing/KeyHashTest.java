package io.ringcache.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.openhft.hashing.LongHashFunction;
import org.junit.jupiter.api.Test;

class KeyHashTest {

    /** Published XXH64 reference values (seed 0), independent of any implementation here. */
    @Test
    void matchesPublishedXxh64Vectors() {
        assertEquals(0xEF46DB3751D8E999L, KeyHash.xxh64(new byte[0], 0, 0, 0));
        assertEquals(0xD24EC4F1A98C6E5BL, KeyHash.xxh64(utf8("a"), 0, 1, 0));
        assertEquals(0x44BC2CF5AD770999L, KeyHash.xxh64(utf8("abc"), 0, 3, 0));
    }

    /**
     * The contract other-language clients must match: the ring position of these UTF-8 keys.
     * Changing any of these values breaks every deployed client.
     */
    @Test
    void pinnedRingPositions() {
        assertEquals(0xc879fde12f167bdbL, KeyHash.of(utf8("")), "empty key");
        assertEquals(0xc4375797e520fd5fL, KeyHash.of(utf8("hello")), "hello");
        assertEquals(0x69421935110acdb7L, KeyHash.of(utf8("user:1234567890123456789012345678901234567890")), "long key");
    }

    @Property
    void agreesWithAnIndependentXxh64(@ForAll @Size(max = 300) byte[] key) {
        assertEquals(LongHashFunction.xx(KeyHash.SEED).hashBytes(key), KeyHash.of(key));
    }

    @Property
    void hashesASliceLikeTheCopiedSlice(@ForAll @Size(max = 100) byte[] prefix,
                                        @ForAll @Size(max = 100) byte[] key,
                                        @ForAll @Size(max = 100) byte[] suffix) {
        byte[] all = new byte[prefix.length + key.length + suffix.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(key, 0, all, prefix.length, key.length);
        System.arraycopy(suffix, 0, all, prefix.length + key.length, suffix.length);
        assertEquals(KeyHash.of(key), KeyHash.of(all, prefix.length, key.length));
    }

    @Test
    void rejectsASliceOutOfBounds() {
        assertThrows(IndexOutOfBoundsException.class, () -> KeyHash.of(new byte[4], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> KeyHash.of(new byte[4], -1, 1));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
