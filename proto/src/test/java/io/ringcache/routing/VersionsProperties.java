package io.ringcache.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The version layout round-trips and orders writes by (log index, ordinal). */
class VersionsProperties {

    @Property
    void theIndexComesBack(@ForAll @LongRange(min = 0, max = (1L << 47) - 1) long index,
                           @ForAll @IntRange(min = 0, max = (1 << Versions.ORDINAL_BITS) - 1) int ordinal) {
        assertEquals(index, Versions.indexOf(Versions.of(index, ordinal)));
    }

    @Property
    void laterWritesHaveGreaterVersions(@ForAll @LongRange(min = 0, max = (1L << 46)) long index,
                                        @ForAll @IntRange(min = 0, max = (1 << Versions.ORDINAL_BITS) - 2) int ordinal) {
        assertTrue(Versions.of(index, ordinal) < Versions.of(index, ordinal + 1));
        assertTrue(Versions.of(index, (1 << Versions.ORDINAL_BITS) - 1) < Versions.of(index + 1, 0));
    }
}
