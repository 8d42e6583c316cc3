package io.ringcache.shard.adapter.chronicle;

import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.AbstractData;

/**
 * A stored value in the map's layout, written straight into the map's memory (write-only):
 * <pre>
 * offset  0          8            16       20          24                    24 + n
 *         +----------+------------+--------+-----------+---------------------+
 *         | version  | expiresAt  | stamp  | frequency | value bytes (n)     |
 *         | int64    | int64      | int32  | int32     |                     |
 *         +----------+------------+--------+-----------+---------------------+
 * </pre>
 * in native byte order; {@code stamp} and {@code frequency} are the entry's {@link
 * io.ringcache.shard.core.KeyAccess} marks. {@link ChronicleShardStore} reads the header in place
 * at the offsets below, and writes the marks in place on reads.
 */
final class HeaderValueData extends AbstractData<byte[]> {

    /** Bytes of the header before the value: version, expiresAt and the use marks. */
    static final int HEADER = 24;
    /** Offset of the version in a stored value. */
    static final int VERSION_OFFSET = 0;
    /** Offset of the expiry in a stored value. */
    static final int EXPIRES_AT_OFFSET = 8;
    /** Offset of the recency stamp in a stored value. */
    static final int STAMP_OFFSET = 16;
    /** Offset of the frequency word in a stored value. */
    static final int FREQUENCY_OFFSET = 20;

    private long version;
    private long expiresAt;
    private int stamp;
    private int frequency;
    private byte[] value;

    HeaderValueData set(long version, long expiresAt, int stamp, int frequency, byte[] value) {
        this.version = version;
        this.expiresAt = expiresAt;
        this.stamp = stamp;
        this.frequency = frequency;
        this.value = value;
        return this;
    }

    void clear() {
        value = null;
    }

    @Override
    public long size() {
        return HEADER + (long) value.length;
    }

    @Override
    public void writeTo(RandomDataOutput target, long targetOffset) {
        target.writeLong(targetOffset, version);
        target.writeLong(targetOffset + EXPIRES_AT_OFFSET, expiresAt);
        target.writeInt(targetOffset + STAMP_OFFSET, stamp);
        target.writeInt(targetOffset + FREQUENCY_OFFSET, frequency);
        target.write(targetOffset + HEADER, value, 0, value.length);
    }

    // Chronicle never reads a value it inserts or replaces through these (verified for 3.27ea2).
    @Override
    public RandomDataInput bytes() {
        throw new UnsupportedOperationException("HeaderValueData is write-only");
    }

    @Override
    public long offset() {
        throw new UnsupportedOperationException("HeaderValueData is write-only");
    }

    @Override
    public byte[] get() {
        throw new UnsupportedOperationException("HeaderValueData is write-only");
    }

    @Override
    public byte[] getUsing(byte[] using) {
        throw new UnsupportedOperationException("HeaderValueData is write-only");
    }
}
