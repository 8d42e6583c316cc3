package io.ringcache.shard.adapter.ratis;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Every Ratis setting ringcache uses, in one typed place. Defaults are sized for dozens of
 * groups per process on a small machine: Ratis gives each hosted group (division) several
 * threads and a direct write buffer, so buffers are small, shared pools are capped, and
 * election timeouts (1-2 s by default, {@link #DEFAULT_ELECTION_TIMEOUT_MIN}) trade failover time
 * against idle heartbeats and false elections on busy shared cores.
 *
 * @param storageDir            where every group keeps its log and snapshots (one folder per group)
 * @param port                  the Raft transport's port (0 = any free port)
 * @param electionTimeoutMin    lower bound of the randomized election timeout
 * @param electionTimeoutMax    upper bound of the randomized election timeout
 * @param writeBufferBytes      the per-division log write buffer (direct memory)
 * @param appenderBufferBytes   the most bytes of entries in one AppendEntries call
 * @param segmentSizeBytes      log segment size; closed segments are purged after snapshots
 * @param preallocatedBytes     bytes preallocated per log segment file
 * @param snapshotThreshold     take a snapshot after this many applied entries (0 = never automatically)
 * @param purgeUpToSnapshot     purge the log up to the snapshot even when a follower lags
 *                              (it then catches up by snapshot install)
 * @param leaderLease           serve linearizable reads on the leader within its lease, without a
 *                              heartbeat round; assumes clock drift below the lease margin
 * @param serverThreads         the fixed size of each division's server executor
 * @param clientThreads         the fixed size of each division's client-request executor
 * @param proxyThreads          the fixed size of the server-wide proxy executor, which adds, removes
 *                              and, on shutdown, closes the groups: each close waits about a second
 *                              (16 threads: a store hosting 64 groups stops in 7 s instead of 16 s)
 * @param asyncFlush            flush the log asynchronously (fsync still happens, off the append path)
 * @param appenderWaitMillis    the least time a leader waits between AppendEntries to one follower,
 *                              so entries arriving meanwhile travel together (and appender threads
 *                              of many groups do not wake every millisecond)
 */
public record RatisTuning(
        File storageDir,
        int port,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        long writeBufferBytes,
        long appenderBufferBytes,
        long segmentSizeBytes,
        long preallocatedBytes,
        long snapshotThreshold,
        boolean purgeUpToSnapshot,
        boolean leaderLease,
        int serverThreads,
        int clientThreads,
        int proxyThreads,
        boolean asyncFlush,
        long appenderWaitMillis) {

    /**
     * The default minimum election timeout (the maximum is twice it). Ratis 3.3.0's follower notices
     * a silent leader 1-2 timeouts after it fell silent (it sleeps a whole random timeout, then
     * compares the silence with that same timeout), so 1-2 s elects a new leader 1-4 s after a
     * leader's node fails, which lets requests sent 3 s after the failure succeed within a 5 s
     * deadline (chaos/README.md, finding 4). The cost: a heartbeat every 0.5 s per group and
     * follower, and a read lease of 0.9 s (bench/RESULTS.md, "Failover").
     */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(1000);

    /**
     * The default log segment size. Ratis keeps each group's recent entries on the heap: its open
     * segment whole, and each closed one until every follower has it and it is applied. With
     * 8 MiB segments and Ratis' cache limits (2 closed segments, 200 MB) that was up to 24 MiB of
     * heap per replica: a store hosting 67 replicas under writes to all of them filled its 1 GiB
     * heap with log entries and ran out of memory (bench/RESULTS.md, "2.5 GB again: the stores'
     * heap"). 2 MiB segments, and a cache bound of two segments ({@link #toProperties}), keep it
     * near 4 MiB per replica. An entry larger than a segment is still written (Ratis 3.3.0's
     * {@code SegmentedRaftLog.isSegmentFull} puts it in the open segment whole), so a store with a
     * larger value limit needs no larger segments.
     */
    static final long DEFAULT_SEGMENT_BYTES = 2L << 20;

    /** Defaults for {@code storageDir} on any free port. */
    public static RatisTuning defaults(File storageDir) {
        return new RatisTuning(storageDir, 0, DEFAULT_ELECTION_TIMEOUT_MIN, DEFAULT_ELECTION_TIMEOUT_MIN.multipliedBy(2),
                1L << 20, (1L << 20) - 64 * 1024, DEFAULT_SEGMENT_BYTES, 1L << 20,
                100_000, true, false, 2, 2, 16, false, 1);
    }

    public RatisTuning withPort(int newPort) {
        return new RatisTuning(storageDir, newPort, electionTimeoutMin, electionTimeoutMax, writeBufferBytes,
                appenderBufferBytes, segmentSizeBytes, preallocatedBytes, snapshotThreshold, purgeUpToSnapshot,
                leaderLease, serverThreads, clientThreads, proxyThreads, asyncFlush, appenderWaitMillis);
    }

    /** The lower bound of a division's first election timeout (the upper is twice it). */
    static final Duration FIRST_ELECTION_MIN = Duration.ofMillis(300);

    /**
     * How long a committed read barrier lets the leader answer reads on its own, from the
     * barrier's proposal: 90% of the minimum election timeout, as Ratis' lease (the margin is for
     * clocks that run at different rates).
     */
    public Duration readLease() {
        return electionTimeoutMin.multipliedBy(9).dividedBy(10);
    }

    /**
     * How long a leader transfer placement asks for may take: the maximum election timeout. A
     * transfer's target stands at once without a pre-vote and wins within milliseconds when it is
     * up to date (placement picks live, caught-up targets); while a transfer is pending Ratis
     * refuses the shard's writes ("stepping down"), so a target that dies mid-transfer blocked the
     * shard for the whole 10 s this once was (chaos/README.md, finding 11).
     */
    public Duration leaderTransferTimeout() {
        return electionTimeoutMax;
    }

    /** How long a peer being added may stay silent before its staging fails: 3x the maximum election timeout. */
    public Duration stagingTimeout() {
        return electionTimeoutMax.multipliedBy(3);
    }

    public RatisTuning withElectionTimeouts(Duration min, Duration max) {
        return new RatisTuning(storageDir, port, min, max, writeBufferBytes,
                appenderBufferBytes, segmentSizeBytes, preallocatedBytes, snapshotThreshold, purgeUpToSnapshot,
                leaderLease, serverThreads, clientThreads, proxyThreads, asyncFlush, appenderWaitMillis);
    }

    public RatisTuning withSnapshots(long threshold, long segmentBytes) {
        return new RatisTuning(storageDir, port, electionTimeoutMin, electionTimeoutMax, writeBufferBytes,
                appenderBufferBytes, segmentBytes, Math.min(preallocatedBytes, segmentBytes), threshold,
                purgeUpToSnapshot, leaderLease, serverThreads, clientThreads, proxyThreads, asyncFlush, appenderWaitMillis);
    }

    /**
     * Settings under which one log entry may carry {@code payloadBytes} of ringcache commands: Ratis
     * refuses (and the leader steps down over) an entry larger than the appender buffer, so the
     * buffer must hold the largest single write the store accepts. Only ever grows the buffers.
     */
    public RatisTuning withEntryLimit(long payloadBytes) {
        long appender = Math.max(appenderBufferBytes, payloadBytes + ENTRY_OVERHEAD_BYTES);
        long write = Math.max(writeBufferBytes, appender + 64 * 1024);
        return new RatisTuning(storageDir, port, electionTimeoutMin, electionTimeoutMax, write,
                appender, segmentSizeBytes, preallocatedBytes, snapshotThreshold, purgeUpToSnapshot,
                leaderLease, serverThreads, clientThreads, proxyThreads, asyncFlush, appenderWaitMillis);
    }

    /**
     * The largest command payload one log entry may carry: the appender buffer less what Ratis adds
     * around a payload (log entry and client request framing, a few dozen bytes, with margin).
     */
    public long maxEntryPayloadBytes() {
        return appenderBufferBytes - ENTRY_OVERHEAD_BYTES;
    }

    /** Room left in an entry for Ratis' own framing around the payload. */
    static final long ENTRY_OVERHEAD_BYTES = 4096;

    public RatisTuning withLeaderLease(boolean enabled) {
        return new RatisTuning(storageDir, port, electionTimeoutMin, electionTimeoutMax, writeBufferBytes,
                appenderBufferBytes, segmentSizeBytes, preallocatedBytes, snapshotThreshold, purgeUpToSnapshot,
                enabled, serverThreads, clientThreads, proxyThreads, asyncFlush, appenderWaitMillis);
    }

    /** The Ratis properties these settings stand for. */
    public RaftProperties toProperties() {
        if (writeBufferBytes < appenderBufferBytes + 8) {
            throw new IllegalArgumentException("write buffer (" + writeBufferBytes
                    + ") must exceed the appender buffer (" + appenderBufferBytes + ") by 8 bytes");
        }
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.setStorageDir(p, List.of(storageDir));

        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(electionTimeoutMin));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(electionTimeoutMax));
        // A division's first election (a new group, a split's child, a restarted replica) waits
        // 0.3-0.6 s instead of the usual timeouts: a split child has no leader until it elects one. Safe for the
        // others: a restarted replica first asks for pre-votes, which voters that hear from a live
        // leader refuse; after any leader is seen the usual timeouts apply.
        Duration firstMin = electionTimeoutMin.compareTo(FIRST_ELECTION_MIN) < 0 ? electionTimeoutMin : FIRST_ELECTION_MIN;
        Duration firstMax = firstMin.multipliedBy(2).compareTo(electionTimeoutMax) < 0 ? firstMin.multipliedBy(2) : electionTimeoutMax;
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, millis(firstMin));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, millis(firstMax));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(electionTimeoutMax.multipliedBy(2)));
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, millis(electionTimeoutMax.multipliedBy(3)));
        // A peer being added that stops answering fails its staging after this long; Ratis judges
        // a staging only when an entry reaches a staging peer, so ShardMembership feeds empty
        // entries to a pending change and steps the leader down when the new peer stays silent.
        RaftServerConfigKeys.setStagingTimeout(p, millis(stagingTimeout()));
        // A GC pause or a starved core on a shared machine must not make every leader step down.
        RaftServerConfigKeys.setSleepDeviationThreshold(p, millis(electionTimeoutMin));

        // After errors a log appender sleeps before its next round to the follower (Ratis' default:
        // 1 ms for the first 10 errors, 1 s for the next 20, then 5 s, each drawn from half to one
        // and a half times that). Every append that times out counts as an error, so a follower cut
        // off for a few seconds under load gathers a hundred; after the heal its leader then sent
        // it nothing for up to 7.5 s at a time, and stepped down when the other follower failed
        // next (chaos/README.md, finding 18). Capped at 0.5 s here: a follower that is down costs
        // one failed call per group every 0.25-0.75 s instead of every 2.5-7.5 s.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(writeBufferBytes));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(appenderBufferBytes));
        RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.valueOf(appenderWaitMillis, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(segmentSizeBytes));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(preallocatedBytes));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        // The heap a group's cached entries may take, the open segment included: past it, closed
        // segments that every follower has and that are applied leave the cache at once (see
        // DEFAULT_SEGMENT_BYTES). Ratis' default is 200 MB per group.
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf(2 * segmentSizeBytes));
        RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, asyncFlush);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, purgeUpToSnapshot);
        RaftServerConfigKeys.Log.setPurgeGap(p, 1);
        // kill -9 in the middle of writing an entry (Ratis writes an entry that straddles its write
        // buffer in two writes) leaves a torn entry at the end of the open segment, and Ratis'
        // default policy then refuses to load that group's log, which fails the whole server:
        // the store could not start again (the fault suite's finding 10). A torn entry was never
        // fsynced, so never acknowledged; WARN_AND_RETURN keeps the entries before it, and the
        // leader sends the rest, as the Ratis developers advise (RATIS-1879; Apache IoTDB does the
        // same). A corrupt closed segment still fails to load: the entries after it leave a gap.
        RaftServerConfigKeys.Log.setCorruptionPolicy(p, RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN);
        // Log metadata entries record the commit index in the log so a restarted server can apply
        // up to it before hearing from a leader. Each one is appended, replicated and fsynced like a
        // write, and there is one per commit-index move: about every other entry under load. Raft
        // does not need the commit index to be durable (a restarted replica learns it from the
        // leader and applies from its snapshot then), so they are off: half the log entries,
        // single-write p50 4.8 -> 3.1 ms, writes at 256 in flight 13.7k -> 18.9k/s
        // (bench/RESULTS.md "Log metadata entries").
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        // A follower appends each AppendEntries batch on the gRPC thread that received it, instead
        // of composing the append through the JDK's common pool and the division's server pool
        // (Ratis' default, two more wake-ups per batch and per heartbeat). Writes at 4 shards
        // +15-30% with 13-21% less store CPU per write, at 64 shards +3-4%
        // (bench/RESULTS.md "Cheap shards"); Apache Ozone turned it off for the same reason (HDDS-14874).
        RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, snapshotThreshold > 0);
        if (snapshotThreshold > 0) {
            RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotThreshold);
        }
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);

        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, leaderLease);
        // Leases (Ratis' for follower reads, ringcache's LeaderReadLease on the leader) rest on
        // voters refusing pre-votes while their leader is fresh; pre-vote is Ratis' default, set
        // here so that no default change can take it away unnoticed.
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);

        // Fixed pools: 'cached' with a size would run a single thread.
        RaftServerConfigKeys.ThreadPool.setServerCached(p, false);
        RaftServerConfigKeys.ThreadPool.setServerSize(p, serverThreads);
        RaftServerConfigKeys.ThreadPool.setClientCached(p, false);
        RaftServerConfigKeys.ThreadPool.setClientSize(p, clientThreads);
        RaftServerConfigKeys.ThreadPool.setProxyCached(p, false);
        RaftServerConfigKeys.ThreadPool.setProxySize(p, proxyThreads);
        applyOverrides(p, System.getProperties());
        return p;
    }

    /** Ratis' retry policy syntax: sleep then number of errors, pair after pair. */
    static final String APPENDER_RETRY_POLICY = "1ms,10, 100ms,20, 500ms,2000000000";

    /** JVM system properties under this prefix set the Ratis property named by the rest of the key. */
    public static final String OVERRIDE_PREFIX = "ringcache.ratis.";

    /**
     * The expert escape hatch: {@code -Dringcache.ratis.raft.server.log.appender.wait-time.min=0ms}
     * sets that Ratis property after every setting above, so an operator (or a bench A/B run) can
     * try a Ratis setting without a rebuild. Overrides are unchecked beyond what Ratis itself parses.
     */
    static void applyOverrides(RaftProperties p, Properties source) {
        for (String key : source.stringPropertyNames()) {
            if (key.startsWith(OVERRIDE_PREFIX) && key.length() > OVERRIDE_PREFIX.length()) {
                p.set(key.substring(OVERRIDE_PREFIX.length()), source.getProperty(key));
            }
        }
    }

    private static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
