package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.SlotSet;
import io.ringcache.shard.core.SlotWrites;
import io.ringcache.shard.core.SplitCopy;
import io.ringcache.shard.core.SplitProposal.FollowerCopy;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background copies of announced splits on this store ({@link SplitCopy}): at a
 * {@link Command.PrepareSplit}'s entry a parent's replica starts noting the moving slots' writes
 * and a copier thread writes the child's seed with those slots' entries to
 * {@code <storage>-splits/shard-<child>.copy} (forced, left open); at the split's entry
 * {@link SplitSeeds} finishes it with the keys written since and renames it the seed, and the
 * leader proposes the split only once its own copy is done ({@link #copied}), so it does not wait
 * at the split's entry.
 *
 * <p>The copier also fills a store for the child with the same entries; at the split's entry
 * it is caught up ({@link #fill}), and the child's replica here adopts it instead of loading the
 * seed's entries into a new one ({@link #takeFilled}, {@code ShardStateMachine}).
 *
 * <p>A copy is this replica's alone and lives in memory and a scratch file that no seed names
 * until the split's entry finished it: a replica that restarts after the announcement replays it
 * from its log (and copies again) or, restored from a later snapshot, writes the seed at the
 * split's entry by visiting its store, as before. At most one copy per
 * parent; a newer announcement replaces an older one. One copier thread for the store: copies are
 * rare, and each competes with the shard's own writes for the same cores.
 */
final class SplitCopies implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SplitCopies.class);

    /**
     * One announced split's copy. {@code written} is used on the parent's apply thread only;
     * {@code done} completes with the copy's outcome.
     */
    record Copy(int parent, int child, SlotSet slots, long index, SlotWrites written, Path file,
                CompletableFuture<Copied> done, java.util.concurrent.atomic.AtomicBoolean cancelled,
                java.util.concurrent.atomic.AtomicBoolean storeHandedOver) {
    }

    /**
     * A finished copy: the seed's first part, written and forced to disk through {@code channel}
     * (still open, for the rest at the split's entry) with {@code md5} over what was written,
     * and the child's store filled with the same entries (null when none was made).
     */
    record Copied(SplitCopy.Partial part, FileChannel channel, java.security.MessageDigest md5, ShardStore store) {
        long entries() {
            return part.entries();
        }
    }

    /**
     * A child's store filled ahead and caught up at its split's entry, waiting for the child's
     * replica on this store to start: it adopts the store if it starts from the seed of exactly
     * that split ({@code splitIndex}, {@code md5}), instead of loading the seed's entries;
     * {@code part} is the copy that filled it (where the seed's entries end, the expiring entries).
     */
    record FilledStore(ShardStore store, long splitIndex, org.apache.ratis.io.MD5Hash md5, SplitCopy.Partial part) {
    }

    private final Path dir;
    /** Makes a store for a shard (the host's factory), or null to fill none ahead. */
    private final java.util.function.IntFunction<ShardStore> stores;
    private final Map<Integer, Copy> byParent = new ConcurrentHashMap<>();
    private final Map<Integer, FilledStore> filled = new ConcurrentHashMap<>();
    private final ExecutorService copier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "split-copy");
        t.setDaemon(true);
        return t;
    });

    SplitCopies(Path dir, java.util.function.IntFunction<ShardStore> stores) {
        this.dir = dir;
        this.stores = stores;
    }

    /** At the announcement's entry, on {@code parent}'s apply thread: starts noting writes, then copying. */
    void start(Command.PrepareSplit prepare, long index, ShardEngine parent) {
        discard(byParent.remove(parent.shardId()));
        SlotWrites written = parent.trackWrites(prepare.slots());
        Path file = dir.resolve("shard-" + prepare.childShard() + ".copy");
        Copy copy = new Copy(parent.shardId(), prepare.childShard(), prepare.slots(), index, written, file,
                new CompletableFuture<>(), new java.util.concurrent.atomic.AtomicBoolean(),
                new java.util.concurrent.atomic.AtomicBoolean());
        byParent.put(parent.shardId(), copy);
        try {
            copier.execute(() -> run(copy, parent));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            copy.done().completeExceptionally(e); // closing
        }
    }

    private void run(Copy copy, ShardEngine parent) {
        long started = System.nanoTime();
        ShardStore store = null;
        FileChannel out = null;
        try {
            Files.createDirectories(dir);
            store = stores == null ? null : stores.apply(copy.child());
            out = FileChannel.open(copy.file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            java.security.MessageDigest md5 = org.apache.ratis.util.MD5FileUtil.newMD5();
            SplitCopy.Partial part = SplitCopy.copy(parent.store(), copy.slots(), copy.child(),
                    SnapshotDigests.digesting(out, md5), copy.cancelled()::get, store);
            // On disk now, so the split's entry forces only what it adds.
            out.force(false);
            LOG.info("shard {}: copied {} entries for the split into shard {} announced at {}, in {} ms", copy.parent(),
                    part.entries(), copy.child(), copy.index(), (System.nanoTime() - started) / 1_000_000);
            copy.done().complete(new Copied(part, out, md5, store));
        } catch (IOException | RuntimeException e) {
            LOG.warn("shard {}: the copy for the split into shard {} failed; the split copies at its entry: {}",
                    copy.parent(), copy.child(), e.toString());
            if (store != null) {
                store.close();
            }
            closeQuietly(out);
            copy.done().completeExceptionally(e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to do with it
            }
        }
    }

    /**
     * Completes when this store's copy for the announced split of {@code parent} into
     * {@code child} is written, exceptionally if it failed; already completed exceptionally when
     * there is none. A dependent future: completing it does not touch the copy's own.
     */
    CompletableFuture<Long> copied(int parent, int child) {
        Copy copy = byParent.get(parent);
        if (copy == null || copy.child() != child) {
            return CompletableFuture.failedFuture(new IllegalStateException("no copy for shard " + child + " here"));
        }
        return copy.done().thenApply(Copied::entries);
    }

    /**
     * How this replica's copy for the split of {@code parent} into {@code child} announced at
     * {@code announcedIndex} stands, for the parent's leader deciding when to propose the split
     * ({@link io.ringcache.shard.core.SplitProposal}). A replica that has not applied the
     * announcement yet ({@code appliedIndex} below it) will start its copy when it does.
     */
    FollowerCopy state(int parent, int child, long announcedIndex, long appliedIndex) {
        Copy copy = byParent.get(parent);
        if (copy != null && copy.child() == child && copy.index() == announcedIndex) {
            CompletableFuture<Copied> done = copy.done();
            return !done.isDone() ? FollowerCopy.COPYING
                    : done.isCompletedExceptionally() ? FollowerCopy.NONE
                    : FollowerCopy.COPIED;
        }
        return appliedIndex < announcedIndex ? FollowerCopy.COPYING
                : FollowerCopy.NONE;
    }

    /** The log index at which this replica's copy for the split of {@code parent} into {@code child} was announced, or -1. */
    long announcedIndex(int parent, int child) {
        Copy copy = byParent.get(parent);
        return copy != null && copy.child() == child ? copy.index() : -1;
    }

    /**
     * At the split's entry, on {@code parent}'s apply thread: the copy to finish, if this replica
     * has one of exactly the split's slots whose tracking still holds, after waiting for it to be
     * written. Empty otherwise (the split then copies at its entry); the caller {@link #discard}s
     * what it takes.
     */
    Optional<Copy> take(int parent, Command.Split split) {
        Copy copy = byParent.remove(parent);
        if (copy == null) {
            return Optional.empty();
        }
        String unusable = null;
        if (copy.child() != split.childShard() || !copy.slots().equals(split.slots())) {
            unusable = "it was announced for shard " + copy.child() + " with slots " + copy.slots();
        } else {
            try {
                copy.done().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unusable = "interrupted while waiting for it";
            } catch (ExecutionException | CancellationException e) {
                unusable = "it failed: " + e.getCause();
            }
        }
        if (unusable == null && !copy.written().valid()) {
            unusable = copy.written().invalidBecause();
        }
        if (unusable != null) {
            LOG.info("shard {}: not finishing the background copy for the split into shard {} ({}); copying now",
                    parent, split.childShard(), unusable);
            discard(copy);
            return Optional.empty();
        }
        return Optional.of(copy);
    }

    /**
     * Stops {@code copy} (null: nothing) and, once the copier is done with it, deletes its file
     * and frees the store it filled unless that was handed to the child ({@link #fill}).
     */
    void discard(Copy copy) {
        if (copy == null) {
            return;
        }
        copy.cancelled().set(true);
        copy.done().whenComplete((copied, e) -> {
            if (copied != null && copied.store() != null && !copy.storeHandedOver().get()) {
                copied.store().close();
            }
            if (copied != null) {
                closeQuietly(copied.channel());
            }
            try {
                Files.deleteIfExists(copy.file());
            } catch (IOException x) {
                LOG.warn("cannot delete {}: {}", copy.file(), x.toString());
            }
        });
    }

    /**
     * At the split's entry, after the seed was finished from {@code copy} (which {@link #take}
     * returned, so its copy is done, and {@link SplitCopy#finish} caught the store up): keeps
     * the store the copy filled for the child's replica, which adopts it if it
     * starts from exactly that seed ({@link #takeFilled}). Does nothing when the copy filled no store.
     */
    void fill(Copy copy, long splitIndex, org.apache.ratis.io.MD5Hash md5) {
        Copied copied = copy.done().getNow(null);
        if (copied == null || copied.store() == null) {
            return;
        }
        copy.storeHandedOver().set(true);
        FilledStore previous = filled.put(copy.child(), new FilledStore(copied.store(), splitIndex, md5, copied.part()));
        if (previous != null) {
            previous.store().close();
        }
    }

    /** The store filled ahead for {@code child}, removed: the caller owns it from here. */
    Optional<FilledStore> takeFilled(int child) {
        return Optional.ofNullable(filled.remove(child));
    }

    /**
     * {@code parent}'s replica is closing, and its store with it: stops its copy and waits (a
     * moment: the copy stops at its next entry) until the copier no longer reads the store.
     */
    void parentClosing(int parent) {
        Copy copy = byParent.remove(parent);
        if (copy == null) {
            return;
        }
        discard(copy);
        try {
            copy.done().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException | TimeoutException e) {
            // stopped, failed or still stopping: nothing more to wait for here
        }
    }

    @Override
    public void close() {
        byParent.values().forEach(this::discard);
        byParent.clear();
        filled.values().forEach(f -> f.store().close());
        filled.clear();
        copier.shutdown();
    }
}
