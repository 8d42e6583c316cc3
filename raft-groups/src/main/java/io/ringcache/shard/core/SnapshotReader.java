package io.ringcache.shard.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.CRC32;

/** Reads a snapshot through a direct buffer, refilling from the channel: the read side of {@link ShardSnapshot}'s layout. */
final class SnapshotReader {
    private final ReadableByteChannel in;
    private final ByteBuffer direct = ByteBuffer.allocateDirect(SnapshotWriter.BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);

    SnapshotReader(ReadableByteChannel in) {
        this.in = in;
        direct.limit(0);
    }

    /** The buffer positioned at {@code n} readable bytes (n at most the buffer size). */
    ByteBuffer buffer(int n) throws IOException {
        if (direct.remaining() < n) {
            direct.compact();
            while (direct.position() < n) {
                if (in.read(direct) < 0) {
                    throw new IOException("snapshot truncated");
                }
            }
            direct.flip();
        }
        return direct;
    }

    int intChecked(CRC32 crc) throws IOException {
        int v = buffer(4).getInt();
        crc.update(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
        return v;
    }

    long longChecked(CRC32 crc) throws IOException {
        long v = buffer(8).getLong();
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        crc.update(b);
        return v;
    }

    /**
     * Moves to {@code offset} of the channel, dropping what was buffered: the channel must be
     * seekable, and {@code offset} past what this reader has returned.
     */
    void moveTo(long offset) throws IOException {
        if (!(in instanceof java.nio.channels.SeekableByteChannel seekable)) {
            throw new IllegalArgumentException("cannot move within a channel that is not seekable");
        }
        long bufferedFrom = seekable.position() - direct.limit(); // the channel offset of the buffer's first byte
        long consumed = bufferedFrom + direct.position();
        if (offset < consumed) {
            throw new IllegalArgumentException("offset " + offset + " is before " + consumed + ", already read");
        }
        if (offset <= seekable.position()) {
            direct.position((int) (offset - bufferedFrom)); // within the buffer
        } else {
            seekable.position(offset);
            direct.clear().limit(0);
        }
    }

    byte[] bytes(int n) throws IOException {
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            int chunk = Math.min(n - done, SnapshotWriter.BUFFER_BYTES);
            buffer(chunk).get(out, done, chunk);
            done += chunk;
        }
        return out;
    }
}
