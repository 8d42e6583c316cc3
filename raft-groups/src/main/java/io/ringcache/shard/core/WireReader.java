package io.ringcache.shard.core;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * A bounds-checked little-endian cursor over an Agrona buffer. Every read checks what is left,
 * so truncated or hostile input ends in {@link MalformedMessageException}, never in an
 * out-of-bounds read or a huge allocation.
 */
final class WireReader {
    private final DirectBuffer buffer;
    private final int end;
    private int position;

    WireReader(DirectBuffer buffer, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buffer.capacity()) {
            throw new MalformedMessageException("slice out of bounds");
        }
        this.buffer = buffer;
        this.position = offset;
        this.end = offset + length;
    }

    byte readByte() {
        need(1);
        return buffer.getByte(position++);
    }

    /** The next byte, without consuming it. */
    byte peekByte() {
        need(1);
        return buffer.getByte(position);
    }

    boolean readBoolean() {
        byte b = readByte();
        if (b != 0 && b != 1) {
            throw new MalformedMessageException("bad boolean " + b);
        }
        return b == 1;
    }

    int readUnsignedShort() {
        need(2);
        int v = buffer.getShort(position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        position += 2;
        return v;
    }

    int readInt() {
        need(4);
        int v = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
        position += 4;
        return v;
    }

    long readLong() {
        need(8);
        long v = buffer.getLong(position, ByteOrder.LITTLE_ENDIAN);
        position += 8;
        return v;
    }

    /** A count of following items, each at least {@code minItemBytes} long: bounded by what is left. */
    int readCount(int minItemBytes) {
        int n = readInt();
        if (n < 0 || (long) n * minItemBytes > remaining()) {
            throw new MalformedMessageException("bad count " + n);
        }
        return n;
    }

    byte[] readBytes() {
        int n = readInt();
        if (n < 0 || n > remaining()) {
            throw new MalformedMessageException("bad length " + n + " with " + remaining() + " bytes left");
        }
        byte[] out = new byte[n];
        buffer.getBytes(position, out);
        position += n;
        return out;
    }

    /** Skips a length-prefixed byte string, with the same checks as {@link #readBytes}. */
    void skipBytes() {
        int n = readInt();
        if (n < 0 || n > remaining()) {
            throw new MalformedMessageException("bad length " + n + " with " + remaining() + " bytes left");
        }
        position += n;
    }

    int remaining() {
        return end - position;
    }

    void expectEnd() {
        if (position != end) {
            throw new MalformedMessageException((end - position) + " trailing bytes");
        }
    }

    private void need(int n) {
        if (end - position < n) {
            throw new MalformedMessageException("truncated: need " + n + " bytes, " + (end - position) + " left");
        }
    }
}
