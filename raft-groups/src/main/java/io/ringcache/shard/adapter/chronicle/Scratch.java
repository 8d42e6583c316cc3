package io.ringcache.shard.adapter.chronicle;

import java.util.Queue;
import net.openhft.chronicle.bytes.BytesStore;
import org.agrona.concurrent.UnsafeBuffer;

/** One thread's buffers for a {@link ChronicleShardStore}: the off-heap key, the value writer, views and fallback copies. */
final class Scratch {

    static final byte[] EMPTY = new byte[0];

    /** Where every native buffer handed out goes, for the store to release on close. */
    private final Queue<BytesStore<?, Void>> nativeBuffers;

    private BytesStore<?, Void> key;
    private BytesStore<?, Void> saved;
    private byte[] keyCopy = EMPTY;
    private byte[] valueCopy = EMPTY;
    final HeaderValueData valueData = new HeaderValueData();
    final UnsafeBuffer stored = new UnsafeBuffer(Scratch.EMPTY);
    final UnsafeBuffer expected = new UnsafeBuffer(EMPTY);

    Scratch(Queue<BytesStore<?, Void>> nativeBuffers) {
        this.nativeBuffers = nativeBuffers;
    }

    BytesStore<?, Void> key(int length) {
        if (key == null || key.capacity() < length) {
            key = replace(key, Math.max(256, Integer.highestOneBit(Math.max(1, length - 1)) << 1));
        }
        return key;
    }

    /** The writer's buffer for a value being grown, at least {@code size} bytes. */
    BytesStore<?, Void> saved(long size) {
        if (saved == null || saved.capacity() < size) {
            saved = replace(saved, Math.max(4096, Long.highestOneBit(Math.max(1, size - 1)) << 1));
        }
        return saved;
    }

    private BytesStore<?, Void> replace(BytesStore<?, Void> old, long capacity) {
        BytesStore<?, Void> fresh = BytesStore.nativeStoreWithFixedCapacity(capacity);
        nativeBuffers.add(fresh);
        if (old != null && nativeBuffers.remove(old)) {
            old.releaseLast();
        }
        return fresh;
    }

    byte[] keyCopy(int length) {
        if (keyCopy.length < length) {
            keyCopy = new byte[length];
        }
        return keyCopy;
    }

    byte[] valueCopy(int length) {
        if (valueCopy.length < length) {
            valueCopy = new byte[length];
        }
        return valueCopy;
    }
}
