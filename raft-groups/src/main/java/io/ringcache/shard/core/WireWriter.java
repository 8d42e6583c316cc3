package io.ringcache.shard.core;

import java.nio.ByteOrder;
import org.agrona.ExpandableArrayBuffer;

/** A little-endian append cursor over a growable Agrona buffer; the counterpart of {@link WireReader}. */
final class WireWriter {
    private final ExpandableArrayBuffer buffer;
    private int position;

    WireWriter(int initialCapacity) {
        this.buffer = new ExpandableArrayBuffer(Math.max(16, initialCapacity));
    }

    WireWriter writeByte(int b) {
        buffer.putByte(position++, (byte) b);
        return this;
    }

    WireWriter writeBoolean(boolean b) {
        return writeByte(b ? 1 : 0);
    }

    WireWriter writeShort(int v) {
        buffer.putShort(position, (short) v, ByteOrder.LITTLE_ENDIAN);
        position += 2;
        return this;
    }

    WireWriter writeInt(int v) {
        buffer.putInt(position, v, ByteOrder.LITTLE_ENDIAN);
        position += 4;
        return this;
    }

    WireWriter writeLong(long v) {
        buffer.putLong(position, v, ByteOrder.LITTLE_ENDIAN);
        position += 8;
        return this;
    }

    WireWriter writeBytes(byte[] bytes) {
        writeInt(bytes.length);
        buffer.putBytes(position, bytes);
        position += bytes.length;
        return this;
    }

    int position() {
        return position;
    }

    WireWriter putLongAt(int at, long v) {
        buffer.putLong(at, v, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    byte[] toByteArray() {
        byte[] out = new byte[position];
        buffer.getBytes(0, out);
        return out;
    }
}
