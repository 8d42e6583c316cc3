package io.ringcache.shard.adapter.chronicle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;

/** The stored value's layout, byte by byte, as the store reads it in place. */
class HeaderValueDataTest {

    @Test
    void writesTheHeaderThenTheValue() {
        BytesStore<?, Void> memory = BytesStore.nativeStoreWithFixedCapacity(64);
        try {
            HeaderValueData data = new HeaderValueData().set(0x0102030405060708L, -42, 77, 0x1234_05, new byte[] {7, 8, 9});
            assertEquals(HeaderValueData.HEADER + 3, data.size());
            data.writeTo(memory, 4);
            assertEquals(0x0102030405060708L, memory.readLong(4 + HeaderValueData.VERSION_OFFSET));
            assertEquals(-42, memory.readLong(4 + HeaderValueData.EXPIRES_AT_OFFSET));
            assertEquals(77, memory.readInt(4 + HeaderValueData.STAMP_OFFSET));
            assertEquals(0x1234_05, memory.readInt(4 + HeaderValueData.FREQUENCY_OFFSET));
            byte[] value = new byte[3];
            memory.read(4 + HeaderValueData.HEADER, value, 0, 3);
            assertArrayEquals(new byte[] {7, 8, 9}, value);
        } finally {
            memory.releaseLast();
        }
    }
}
