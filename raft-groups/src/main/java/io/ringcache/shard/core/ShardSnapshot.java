package io.ringcache.shard.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The snapshot format of one shard, streamed through a direct buffer so that an off-heap store
 * is copied off-heap to the channel without passing its content through the Java heap.
 *
 * <pre>
 * header   magic "RCSNAP01" (8 bytes) | shardId:int32 | logTime:int64
 * entries  keyLength:int32 | valueLength:int32 | version:int64 | expiresAt:int64 | key | value
 * trailer  -1:int32 | entries:int64 | digest sum:int64 | digest xor:int64
 * sessions clients:int32, then per client (least recently used first):
 *          clientId:int64 | forgottenUpTo:int64 | n:int32 | n x (sequence:int64 | length:int32 | result)
 *          and last crc32 of the sessions section:int64
 * splits   n:int32, then per split (oldest first):
 *          childShard:int32 | index:int64 | slotBits:int32 | words:int32 | words x int64
 *          | membersLength:int32 | members (the child's voters as the split carried them)
 *          and last crc32 of the splits section:int64         (format 03; 02 has no splits)
 * </pre>
 * Format 04 is a split child's seed whose entries were copied before the split's entry and
 * completed at it ({@link SplitCopy}); it is read, and written only there:
 * <pre>
 * header   magic "RCSNAP04" | shardId:int32 | 0:int64 (the log time is not known yet)
 * entries  as 03, where a valueLength of -1 is a removal: keyLength | -1 | 0:int64 | 0:int64 | key
 *          (a later record of a key replaces an earlier one; a removal removes it)
 * trailer  as 03, the digest taken over the records as listed, a removal as (key, no bytes, 0, -1)
 * sessions as 03
 * splits   as 03 (none)
 * logTime  int64
 * </pre>
 * A result is one {@link CommandResult} in {@link ResultCodec}'s encoding. The sessions make a
 * replica restored from a snapshot answer retried writes exactly as the others do.
 * All integers little-endian. The trailer's {@link ShardDigest} is checked on restore, so a
 * truncated or corrupted file is refused instead of half-loaded.
 */
public final class ShardSnapshot {

    private static final byte[] MAGIC = {'R', 'C', 'S', 'N', 'A', 'P', '0', '3'};
    /** A split child's seed written in two parts ({@link SplitCopy}): removals among the entries, the log time last. */
    private static final byte FORMAT_CHILD_SEED = '4';
    /** The format before splits: read, never written. */
    private static final byte FORMAT_WITHOUT_SPLITS = '2';

    private ShardSnapshot() {
    }

    /** Writes the engine's state; the caller keeps the engine from applying meanwhile. */
    public static ShardDigest write(ShardEngine engine, WritableByteChannel out) throws IOException {
        return write(engine, engine.shardId(), null, engine.splits(), out);
    }

    /**
     * Writes the starting state of a split's child: the parent's entries in the split's slots, its
     * retry table whole (a retry of a write the parent applied may reach the child) and its log
     * time, as a snapshot of shard {@code split.childShard()} with no splits of its own. Called at
     * the split's entry, before the parent drops those entries.
     */
    public static ShardDigest writeChild(ShardEngine parent, Command.Split split, WritableByteChannel out) throws IOException {
        return write(parent, split.childShard(), split.slots(), List.of(), out);
    }

    private static ShardDigest write(ShardEngine engine, int shardId, SlotSet only, List<SplitRecord> splits,
                                     WritableByteChannel out) throws IOException {
        SlotSet.KeyProbe probe = new SlotSet.KeyProbe();
        return write(engine, shardId, splits, out, (w, digest) -> {
            try {
                engine.store().forEach((key, value, version, expiresAt) -> {
                    if (only != null && !probe.contains(only, key)) {
                        return;
                    }
                    try {
                        w.entry(key, value, version, expiresAt, digest);
                    } catch (IOException e) {
                        throw new SnapshotIoException(e);
                    }
                });
            } catch (SnapshotIoException e) {
                throw e.io;
            }
        });
    }

    /** Writes a snapshot's entries section, adding each entry to the digest ({@link SnapshotWriter#entry}). */
    @FunctionalInterface
    interface EntrySource {
        void write(SnapshotWriter w, ShardDigest.Accumulator digest) throws IOException;
    }

    /**
     * Writes a snapshot of shard {@code shardId} with the engine's log time and retry table,
     * {@code splits}, and the entries {@code entries} writes.
     */
    static ShardDigest write(ShardEngine engine, int shardId, List<SplitRecord> splits, WritableByteChannel out,
                             EntrySource entries) throws IOException {
        SnapshotWriter w = header(out, MAGIC[MAGIC.length - 1], shardId, engine.logTime());
        // The digest is accumulated in the same pass that writes the entries.
        ShardDigest.Accumulator digest = new ShardDigest.Accumulator();
        entries.write(w, digest);
        ShardDigest content = endEntries(w, digest, engine, splits);
        w.flush();
        return content;
    }

    /**
     * Begins a format-04 seed of shard {@code childShard}: its header; the caller then adds
     * entries and removals ({@link SnapshotWriter#entry}, {@link SnapshotWriter#removal}) and ends it with
     * {@link #endChildSeed}.
     */
    static SnapshotWriter beginChildSeed(int childShard, WritableByteChannel out) throws IOException {
        return header(out, FORMAT_CHILD_SEED, childShard, 0);
    }

    /** Ends the entries section, then writes the trailer with {@code digest}, the engine's retry table and {@code splits}. */
    private static ShardDigest endEntries(SnapshotWriter w, ShardDigest.Accumulator digest, ShardEngine engine,
                                          List<SplitRecord> splits) throws IOException {
        w.endEntries();
        ShardDigest content = digest.digest();
        w.reserve(24);
        w.buffer.putLong(w.at(8), content.entries(), ByteOrder.LITTLE_ENDIAN);
        w.buffer.putLong(w.at(8), content.sum(), ByteOrder.LITTLE_ENDIAN);
        w.buffer.putLong(w.at(8), content.xor(), ByteOrder.LITTLE_ENDIAN);
        writeSessions(engine.sessions(), w);
        writeSplits(splits, w);
        return content;
    }

    /** A writer on {@code out} that wrote the header: the magic with {@code format} last, the shard and the log time. */
    private static SnapshotWriter header(WritableByteChannel out, byte format, int shardId, long logTime) throws IOException {
        SnapshotWriter w = new SnapshotWriter(out);
        for (int i = 0; i < MAGIC.length; i++) {
            w.reserve(1).putByte(w.at(1), i == MAGIC.length - 1 ? format : MAGIC[i]);
        }
        w.reserve(12);
        w.buffer.putInt(w.at(4), shardId, ByteOrder.LITTLE_ENDIAN);
        w.buffer.putLong(w.at(8), logTime, ByteOrder.LITTLE_ENDIAN);
        return w;
    }

    /** Ends a format-04 seed with the parent's retry table and log time, and flushes it. */
    static ShardDigest endChildSeed(SnapshotWriter w, ShardDigest.Accumulator digest, ShardEngine parent) throws IOException {
        ShardDigest records = endEntries(w, digest, parent, List.of());
        w.reserve(8);
        w.buffer.putLong(w.at(8), parent.logTime(), ByteOrder.LITTLE_ENDIAN);
        w.flush();
        return records;
    }

    private static void writeSplits(List<SplitRecord> splits, SnapshotWriter w) throws IOException {
        CRC32 crc = new CRC32();
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[24]);
        scratch.putInt(0, splits.size(), ByteOrder.LITTLE_ENDIAN);
        w.copy(scratch, 4, crc);
        for (SplitRecord r : splits) {
            long[] words = r.slots().words();
            scratch.putInt(0, r.childShard(), ByteOrder.LITTLE_ENDIAN);
            scratch.putLong(4, r.index(), ByteOrder.LITTLE_ENDIAN);
            scratch.putInt(12, r.slots().bits(), ByteOrder.LITTLE_ENDIAN);
            scratch.putInt(16, words.length, ByteOrder.LITTLE_ENDIAN);
            w.copy(scratch, 20, crc);
            for (long word : words) {
                scratch.putLong(0, word, ByteOrder.LITTLE_ENDIAN);
                w.copy(scratch, 8, crc);
            }
            scratch.putInt(0, r.childMembers().length, ByteOrder.LITTLE_ENDIAN);
            w.copy(scratch, 4, crc);
            w.copy(new UnsafeBuffer(r.childMembers()), r.childMembers().length, crc);
        }
        scratch.putLong(0, crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        w.copy(scratch, 8, null);
    }

    private static List<SplitRecord> readSplits(SnapshotReader r) throws IOException {
        CRC32 crc = new CRC32();
        int n = r.intChecked(crc);
        if (n < 0 || n > 1 << 16) {
            throw new IOException("corrupt snapshot: " + n + " splits");
        }
        List<SplitRecord> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int child = r.intChecked(crc);
            long index = r.longChecked(crc);
            int bits = r.intChecked(crc);
            int count = r.intChecked(crc);
            if (bits < 1 || bits > SlotSet.MAX_BITS || count != Math.max(1, (1 << bits) >>> 6)) {
                throw new IOException("corrupt snapshot: a split of " + count + " words at " + bits + " slot bits");
            }
            long[] words = new long[count];
            for (int k = 0; k < count; k++) {
                words[k] = r.longChecked(crc);
            }
            int membersLength = r.intChecked(crc);
            if (membersLength < 0 || membersLength > 1 << 16) {
                throw new IOException("corrupt snapshot: split members of " + membersLength + " bytes");
            }
            byte[] members = r.bytes(membersLength);
            crc.update(members);
            try {
                splits.add(new SplitRecord(child, index, SlotSet.fromWords(bits, words), members));
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt snapshot: " + e.getMessage());
            }
        }
        if (r.buffer(8).getLong() != crc.getValue()) {
            throw new IOException("snapshot splits fail their checksum");
        }
        return splits;
    }

    /**
     * Replaces the engine's store content and log time with the snapshot's, and rebuilds its
     * expiry index.
     *
     * @throws IOException when the file is not a snapshot, is of another shard, or fails its digest
     */
    public static ShardDigest restore(ShardEngine engine, ReadableByteChannel in) throws IOException {
        return restore(engine, in, -1);
    }

    /**
     * As {@link #restore}, for a store that already holds exactly the snapshot's entries: a split
     * child's store, filled by {@code filledBy} while its parent's replica copied them, and
     * caught up by its {@link SplitCopy#finish}, which wrote this snapshot. The entries are not
     * read: the reader moves to where {@code filledBy} wrote their end, and the expiry index is
     * the one the copy gathered instead of one rebuilt by visiting the store. The log time, retry
     * table and splits are restored.
     *
     * @return the digest the file records (not recomputed: the entries are not read into the store)
     * @throws IllegalArgumentException when {@code filledBy} has not been finished
     */
    public static ShardDigest restoreOverLoadedEntries(ShardEngine engine, SeekableByteChannel in, SplitCopy.Partial filledBy)
            throws IOException {
        if (filledBy.entriesEnd < 0) {
            throw new IllegalArgumentException("the copy that filled the store was not finished");
        }
        ShardDigest digest = restore(engine, in, filledBy.entriesEnd);
        engine.adoptExpiryIndex(filledBy.expiring);
        return digest;
    }

    /** @param entriesEnd where the entries end, to move past them (the store holds them already); -1: read them */
    private static ShardDigest restore(ShardEngine engine, ReadableByteChannel in, long entriesEnd)
            throws IOException {
        boolean entriesLoaded = entriesEnd >= 0;
        SnapshotReader r = new SnapshotReader(in);
        boolean withSplits = true;
        boolean childSeed = false;
        for (int i = 0; i < MAGIC.length; i++) {
            byte b = r.buffer(1).get();
            if (i == MAGIC.length - 1 && b == FORMAT_WITHOUT_SPLITS) {
                withSplits = false;
            } else if (i == MAGIC.length - 1 && b == FORMAT_CHILD_SEED) {
                childSeed = true;
            } else if (b != MAGIC[i]) {
                throw new IOException("not a ringcache shard snapshot");
            }
        }
        ByteBuffer header = r.buffer(12);
        int shardId = header.getInt();
        long logTime = header.getLong();
        if (shardId != engine.shardId()) {
            throw new IOException("snapshot of shard " + shardId + " offered to shard " + engine.shardId());
        }
        ShardStore store = engine.store();
        if (!entriesLoaded) {
            store.clear();
        }
        ShardDigest.Accumulator digest = new ShardDigest.Accumulator();
        UnsafeBuffer keyView = new UnsafeBuffer(new byte[0]);
        UnsafeBuffer valueView = new UnsafeBuffer(new byte[0]);
        if (entriesLoaded) {
            r.moveTo(entriesEnd);
            if (r.buffer(4).getInt(r.buffer(4).position()) != -1) {
                throw new IOException("corrupt snapshot: no end of entries at offset " + entriesEnd);
            }
        }
        while (true) {
            int keyLength = r.buffer(4).getInt();
            if (keyLength == -1) {
                break;
            }
            ByteBuffer h = r.buffer(20);
            int valueLength = h.getInt();
            long version = h.getLong();
            long expiresAt = h.getLong();
            boolean removal = childSeed && valueLength == -1;
            if (keyLength < 0 || (valueLength < 0 && !removal)) {
                throw new IOException("corrupt snapshot entry lengths " + keyLength + "/" + valueLength);
            }
            if (removal) {
                byte[] key = r.bytes(keyLength);
                store.remove(key);
                keyView.wrap(key);
                digest.add(keyView, SnapshotWriter.NO_BYTES, 0, -1);
                continue;
            }
            byte[] key = r.bytes(keyLength);
            byte[] value = r.bytes(valueLength);
            store.put(key, value, version, expiresAt);
            keyView.wrap(key);
            valueView.wrap(value);
            digest.add(keyView, valueView, version, expiresAt);
        }
        ByteBuffer t = r.buffer(24);
        ShardDigest expected = new ShardDigest(t.getLong(), t.getLong(), t.getLong());
        ShardDigest actual = entriesLoaded ? expected : digest.digest();
        if (!expected.equals(actual)) {
            store.clear();
            throw new IOException("snapshot digest mismatch: file says " + expected + ", content is " + actual);
        }
        readSessions(engine.sessions(), r);
        engine.restoreSplits(withSplits ? readSplits(r) : List.of());
        if (childSeed) {
            logTime = r.buffer(8).getLong();
        }
        engine.restoreLogTime(logTime);
        if (!entriesLoaded) {
            engine.rebuildExpiryIndex();
        }
        return actual;
    }

    private static void writeSessions(ClientSessions sessions, SnapshotWriter w) throws IOException {
        CRC32 crc = new CRC32();
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[20]);
        scratch.putInt(0, sessions.view().size(), ByteOrder.LITTLE_ENDIAN);
        w.copy(scratch, 4, crc);
        for (var e : sessions.view().entrySet()) {
            ClientSessions.Session s = e.getValue();
            scratch.putLong(0, e.getKey(), ByteOrder.LITTLE_ENDIAN);
            scratch.putLong(8, s.forgottenUpTo, ByteOrder.LITTLE_ENDIAN);
            scratch.putInt(16, s.results.size(), ByteOrder.LITTLE_ENDIAN);
            w.copy(scratch, 20, crc);
            for (var r : s.results.entrySet()) {
                byte[] encoded = ResultCodec.encodeResults(List.of(r.getValue()));
                scratch.putLong(0, r.getKey(), ByteOrder.LITTLE_ENDIAN);
                scratch.putInt(8, encoded.length, ByteOrder.LITTLE_ENDIAN);
                w.copy(scratch, 12, crc);
                w.copy(new UnsafeBuffer(encoded), encoded.length, crc);
            }
        }
        scratch.putLong(0, crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        w.copy(scratch, 8, null);
    }

    private static void readSessions(ClientSessions sessions, SnapshotReader r) throws IOException {
        CRC32 crc = new CRC32();
        sessions.clear();
        int clients = r.intChecked(crc);
        if (clients < 0) {
            throw new IOException("corrupt snapshot: " + clients + " client sessions");
        }
        for (int c = 0; c < clients; c++) {
            long clientId = r.longChecked(crc);
            long forgotten = r.longChecked(crc);
            int n = r.intChecked(crc);
            if (n < 0 || n > ClientSessions.RESULTS_PER_CLIENT) {
                throw new IOException("corrupt snapshot: " + n + " results in a client session");
            }
            List<Long> sequences = new ArrayList<>(n);
            List<CommandResult> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sequences.add(r.longChecked(crc));
                int length = r.intChecked(crc);
                if (length < 0 || length > (1 << 20)) {
                    throw new IOException("corrupt snapshot: result of " + length + " bytes");
                }
                byte[] encoded = r.bytes(length);
                crc.update(encoded);
                try {
                    results.add(ResultCodec.decodeResults(encoded).get(0));
                } catch (MalformedMessageException | IndexOutOfBoundsException e) {
                    throw new IOException("corrupt snapshot: bad session result: " + e.getMessage());
                }
            }
            sessions.restore(clientId, forgotten, sequences, results);
        }
        long expected = r.buffer(8).getLong();
        if (expected != crc.getValue()) {
            sessions.clear();
            throw new IOException("snapshot sessions fail their checksum");
        }
    }
}
