package io.ringcache.shard.adapter.chronicle;

import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.AbstractData;

/**
 * A stored value in the map's layout, written straight into the map's memory (write-only):
 * <pre>
 * offset  0          8            16                     16 + n
 *         +----------+------------+----------------------+
 *         | version  | expiresAt  | value bytes (n)      |
 *         | int64    | int64      |                      |
 *         +----------+------------+----------------------+
 * </pre>
 * in native byte order. {@link ChronicleShardStore} reads the header in place at
 * {@link #VERSION_OFFSET} and {@link #EXPIRES_AT_OFFSET}.
 */
final class HeaderValueData extends AbstractData<byte[]> {

    /** Bytes of the header before the value: version and expiresAt. */
    static final int HEADER = 16;
    /** Offset of the version in a stored value. */
    static final int VERSION_OFFSET = 0;
    /** Offset of the expiry in a stored value. */
    static final int EXPIRES_AT_OFFSET = 8;

    private long version;
    private long expiresAt;
    private byte[] value;

    HeaderValueData set(long version, long expiresAt, byte[] value) {
        this.version = version;
        this.expiresAt = expiresAt;
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
        target.writeLong(targetOffset + 8, expiresAt);
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
