package io.ringcache.shard.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Appends a snapshot's bytes into a direct buffer and flushes it to the channel when full: the
 * write side of {@link ShardSnapshot}'s layout, so off-heap content reaches the channel without
 * passing through the Java heap.
 */
final class SnapshotWriter {

    /** The size of an entry's header: keyLength, valueLength, version, expiresAt. */
    static final int ENTRY_HEADER = 24;
    static final int BUFFER_BYTES = 1 << 20;
    /** An empty value: a removal's digest input. */
    static final UnsafeBuffer NO_BYTES = new UnsafeBuffer(new byte[0]);

    private final WritableByteChannel out;
    private final ByteBuffer direct = ByteBuffer.allocateDirect(BUFFER_BYTES);
    final UnsafeBuffer buffer = new UnsafeBuffer(direct);
    private int position;
    /** Bytes written to the channel by earlier flushes. */
    private long flushed;

    SnapshotWriter(WritableByteChannel out) {
        this.out = out;
    }

    /** Appends one entry in the layout of the entries section, adding it to {@code digest} when given. */
    void entry(DirectBuffer key, DirectBuffer value, long version, long expiresAt, ShardDigest.Accumulator digest)
            throws IOException {
        reserve(ENTRY_HEADER);
        buffer.putInt(at(4), key.capacity(), ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(at(4), value.capacity(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(at(8), version, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(at(8), expiresAt, ByteOrder.LITTLE_ENDIAN);
        copy(key);
        copy(value);
        if (digest != null) {
            digest.add(key, value, version, expiresAt);
        }
    }

    /** Appends a removal of {@code key} (format 04 only), adding it to {@code digest}. */
    void removal(DirectBuffer key, ShardDigest.Accumulator digest) throws IOException {
        reserve(ENTRY_HEADER);
        buffer.putInt(at(4), key.capacity(), ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(at(4), -1, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(at(8), 0, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(at(8), 0, ByteOrder.LITTLE_ENDIAN);
        copy(key);
        digest.add(key, NO_BYTES, 0, -1);
    }

    /** Ends the entries section (a key length of -1). */
    void endEntries() throws IOException {
        reserve(4);
        buffer.putInt(at(4), -1, ByteOrder.LITTLE_ENDIAN);
    }

    /** Makes room for {@code n} contiguous bytes (n at most the buffer size). */
    UnsafeBuffer reserve(int n) throws IOException {
        if (position + n > BUFFER_BYTES) {
            flush();
        }
        return buffer;
    }

    /** The offset of the next {@code n} reserved bytes, advancing past them. */
    int at(int n) {
        int at = position;
        position += n;
        return at;
    }

    /** Copies the first {@code length} bytes of {@code src}, adding them to {@code crc} when given. */
    void copy(DirectBuffer src, int length, CRC32 crc) throws IOException {
        if (crc != null) {
            byte[] bytes = new byte[length];
            src.getBytes(0, bytes);
            crc.update(bytes);
        }
        copyRange(src, length);
    }

    /** Copies {@code src} in pieces as the buffer fills. */
    void copy(DirectBuffer src) throws IOException {
        copyRange(src, src.capacity());
    }

    private void copyRange(DirectBuffer src, int length) throws IOException {
        int done = 0;
        while (done < length) {
            if (position == BUFFER_BYTES) {
                flush();
            }
            int n = Math.min(length - done, BUFFER_BYTES - position);
            buffer.putBytes(position, src, done, n);
            position += n;
            done += n;
        }
    }

    void flush() throws IOException {
        direct.clear().limit(position);
        while (direct.hasRemaining()) {
            out.write(direct);
        }
        flushed += position;
        position = 0;
    }

    /** The offset in the channel's output of the next byte appended (flushed or not). */
    long offset() {
        return flushed + position;
    }
}
