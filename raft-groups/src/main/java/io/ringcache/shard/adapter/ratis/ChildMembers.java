package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.ratis.ShardGroupHost.Replica;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The voters of a split's child group as a split command carries them, so every replica of the
 * parent starts the same group.
 *
 * <pre>
 *   n:int32, then n x (peerIdLength:int32 | peerId UTF-8 | addressLength:int32 | address UTF-8)
 * </pre>
 * Little-endian, like the shard's other encodings.
 */
final class ChildMembers {

    private ChildMembers() {
    }

    static byte[] encode(List<Replica> replicas) {
        List<byte[]> parts = new ArrayList<>();
        int size = 4;
        for (Replica r : replicas) {
            byte[] id = r.peerId().getBytes(StandardCharsets.UTF_8);
            byte[] address = r.raftAddress().getBytes(StandardCharsets.UTF_8);
            parts.add(id);
            parts.add(address);
            size += 8 + id.length + address.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(replicas.size());
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    /** @throws IllegalArgumentException when the bytes are not such a list */
    static List<Replica> decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int n = in.getInt();
            if (n < 0 || n > 64) {
                throw new IllegalArgumentException(n + " members");
            }
            List<Replica> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new Replica(string(in), string(in)));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the members");
            }
            return out;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed child members: " + e.getMessage(), e);
        }
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("string of " + length + " bytes");
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
