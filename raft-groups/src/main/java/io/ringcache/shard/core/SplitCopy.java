package io.ringcache.shard.core;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A split child's seed written in two parts: most of it in the background after the split is
 * announced, the rest at the split's entry. How a replica hands the moving keys to the child
 * without visiting its whole store, or writing all of them, while they wait.
 *
 * <pre>
 *   PrepareSplit at index P (apply thread)   the engine starts noting the slots' writes ({@link SlotWrites})
 *   background, from P on                    {@link #copy}: the seed's header and every entry of the
 *                                            slots, read while the apply thread goes on writing
 *                                            (the store allows one concurrent visit)
 *   Split at index S (apply thread)          {@link #finish}: the entry or a removal of every key
 *                                            written since P, as the parent holds it at S, then
 *                                            the retry table and the log time
 * </pre>
 * The seed is in {@link ShardSnapshot}'s format 04, where a later record of a key replaces an
 * earlier one. Restored, it is exactly {@link ShardSnapshot#writeChild} at S (same entries, log
 * time, retry table): a key not written since P is unchanged since the copy read it, and every
 * other key ends as the parent holds it at S. This needs the copy to have seen every entry that
 * existed throughout the visit, which the store port promises for a concurrent visit
 * ({@link ShardStore#forEach}).
 */
public final class SplitCopy {

    /** A seed's first part: written and flushed, to be finished by {@link #finish} on the apply thread. */
    public static final class Partial {
        private final int childShard;
        private final SlotSet slots;
        private final SnapshotWriter writer;
        private final ShardDigest.Accumulator digest = new ShardDigest.Accumulator();
        /** The keys of the entries copied. */
        private final List<byte[]> keys = new ArrayList<>();
        /**
         * The expiring entries put in the store filled ahead, for the child's expiry index: its
         * keys may have changed or gone since (stale entries are what {@link ExpiryIndex}
         * tolerates), and every expiring entry of the filled store is among them.
         */
        final ExpiryIndex expiring = new ExpiryIndex();
        /** Where the seed's entries section ends (its end marker), once {@link #finish} wrote it; -1 before. */
        long entriesEnd = -1;

        private Partial(int childShard, SlotSet slots, SnapshotWriter writer) {
            this.childShard = childShard;
            this.slots = slots;
            this.writer = writer;
        }

        /** The number of entries copied. */
        public long entries() {
            return keys.size();
        }
    }

    private SplitCopy() {
    }

    /**
     * Writes the first part of {@code childShard}'s seed to {@code out}: its header and every
     * entry of {@code slots} in {@code store}. May run concurrently with the store's writer.
     *
     * @param stop asked before each entry; when true the copy ends with an {@link IOException}
     * @param into when not null, also receives every entry copied (the child's store, filled
     *             ahead: {@link #finish} brings it to the split's entry)
     * @return the part written; {@code out} must stay open for {@link #finish}
     */
    public static Partial copy(ShardStore store, SlotSet slots, int childShard, WritableByteChannel out,
                               BooleanSupplier stop, ShardStore into) throws IOException {
        Partial part = new Partial(childShard, slots, ShardSnapshot.beginChildSeed(childShard, out));
        SlotSet.KeyProbe probe = new SlotSet.KeyProbe();
        try {
            store.forEach((key, value, version, expiresAt) -> {
                if (!probe.contains(slots, key)) {
                    return;
                }
                try {
                    if (stop.getAsBoolean()) {
                        throw new IOException("the copy was stopped");
                    }
                    part.writer.entry(key, value, version, expiresAt, part.digest);
                    byte[] k = new byte[key.capacity()];
                    key.getBytes(0, k);
                    part.keys.add(k);
                    if (into != null) {
                        byte[] v = new byte[value.capacity()];
                        value.getBytes(0, v);
                        into.put(k, v, version, expiresAt);
                        if (expiresAt != 0) {
                            part.expiring.add(k, version, expiresAt);
                        }
                    }
                } catch (IOException e) {
                    throw new SnapshotIoException(e);
                }
            });
        } catch (SnapshotIoException e) {
            throw e.io;
        }
        part.writer.flush();
        return part;
    }

    /**
     * Finishes the seed of {@code split}'s child begun by {@link #copy}, at the split's entry, on
     * the apply thread, through the channel the copy wrote to: the keys written since the copy
     * began, the parent's retry table and its log time.
     *
     * @param written the writes noted since before the copy began: valid, and of the split's slots
     * @param moving  receives the keys of the slots the parent holds at this entry
     * @param into    when not null, the store {@link #copy} filled: each key written since is
     *                put in it as the parent holds it, or removed, as it is added to the seed, so
     *                afterwards it holds exactly the entries the seed restores to
     * @return the digest the seed records (of its records as listed)
     * @throws IllegalArgumentException when {@code written} is not valid, or the copy or the
     *                                  notes are of another split
     */
    public static ShardDigest finish(Partial copy, ShardEngine parent, Command.Split split, SlotWrites written,
                                     List<byte[]> moving, ShardStore into) throws IOException {
        if (!written.valid() || !written.slots().equals(split.slots()) || !copy.slots.equals(split.slots())
                || copy.childShard != split.childShard()) {
            throw new IllegalArgumentException("the copy or the noted writes do not cover this split: "
                    + (written.valid() ? written.slots() + " and " + copy.slots + " of shard " + copy.childShard
                            + " against " + split.slots() + " of shard " + split.childShard() : written.invalidBecause()));
        }
        for (byte[] key : copy.keys) {
            if (!written.contains(key)) {
                moving.add(key);
            }
        }
        UnsafeBuffer keyView = new UnsafeBuffer(new byte[0]);
        UnsafeBuffer valueView = new UnsafeBuffer(new byte[0]);
        for (byte[] key : written.keys()) {
            keyView.wrap(key);
            StoredValue v = parent.store().get(key);
            if (v == null) {
                copy.writer.removal(keyView, copy.digest); // removed since the copy began, or never there
                if (into != null) {
                    into.remove(key);
                }
            } else {
                valueView.wrap(v.value());
                copy.writer.entry(keyView, valueView, v.version(), v.expiresAt(), copy.digest);
                if (into != null) {
                    into.put(key, v.value(), v.version(), v.expiresAt());
                    if (v.expiresAt() != 0) {
                        copy.expiring.add(key, v.version(), v.expiresAt());
                    }
                }
                moving.add(key);
            }
        }
        copy.entriesEnd = copy.writer.offset();
        return ShardSnapshot.endChildSeed(copy.writer, copy.digest, parent);
    }
}
