package io.ringcache.chaos.app;

import io.ringcache.chaos.adapter.linux.ChaosNodes;
import io.ringcache.chaos.adapter.linux.FaultyDisk;
import io.ringcache.chaos.adapter.linux.NetnsNetwork;
import io.ringcache.chaos.core.Fault;
import java.io.IOException;

/** Carries each fault of a plan out on the namespaces, the processes and placement, and undoes it. */
final class Nemeses {

    /** Where each action's line goes (the run's nemesis log, with the time). */
    @FunctionalInterface
    interface Log {
        void write(String line) throws IOException;
    }

    private final NetnsNetwork net;
    private final ChaosNodes nodes;
    private final Placements placements;
    private final Log log;
    /** The latency nemesis's packet holder; null when the run draws no latency. */
    private final java.nio.file.Path delayQueue;
    /** Seeds each packet holder's draws, with the fault's start: the run's seed. */
    private final long seed;
    /** The node whose lease clock the current fault slowed; 0: none. */
    private int slowed;
    private int struck;

    Nemeses(NetnsNetwork net, ChaosNodes nodes, Placements placements, Log log, java.nio.file.Path delayQueue, long seed) {
        this.net = net;
        this.nodes = nodes;
        this.placements = placements;
        this.log = log;
        this.delayQueue = delayQueue;
        this.seed = seed;
    }

    /** Applies {@code fault}, and notes when it began. */
    void strike(Fault fault) throws IOException, InterruptedException {
        log.write("begin " + fault.describe());
        struck++;
        if (fault instanceof Fault.Partition p) {
            net.block(p.blocked());
        } else if (fault instanceof Fault.IsolateLeader i) {
            int node = placements.nodeLeadingMostShards();
            if (node > 0) {
                log.write("isolating n" + node);
                net.block(i.isolating(node));
            } else {
                log.write("no store leads a shard: nothing isolated");
            }
        } else if (fault instanceof Fault.Kill k) {
            nodes.kill(k.node(), k.process());
        } else if (fault instanceof Fault.Pause p) {
            nodes.signal(p.node(), p.process(), "STOP");
        } else if (fault instanceof Fault.Loss l) {
            net.loss(l.node(), l.percent());
        } else if (fault instanceof Fault.SlowLink sl) {
            net.slow(sl.node(), sl.kbitPerSecond(), sl.queueMillis());
        } else if (fault instanceof Fault.Latency l) {
            if (delayQueue == null) {
                throw new IllegalStateException("a latency fault without the packet holder built");
            }
            net.delay(l.node(), l.delayMillis(), l.jitterMillis(), seed * 31 + struck, delayQueue);
        } else if (fault instanceof Fault.DiskFull d) {
            nodes.disk(d.node()).fill();
        } else if (fault instanceof Fault.FsyncFails f) {
            log.write(nodes.failFsyncs(f.node(), true));
        } else if (fault instanceof Fault.IoErrors io) {
            log.write(nodes.failIo(io.node(), io.writes() && io.reads() ? FaultyDisk.Failing.BOTH
                    : io.writes() ? FaultyDisk.Failing.WRITES : FaultyDisk.Failing.READS));
            if (io.reads()) {
                // A restart reads the whole Raft log back: where a bad sector is met.
                nodes.kill(io.node(), Fault.Process.STORE);
                nodes.restart(io.node(), Fault.Process.STORE);
                log.write("s" + io.node() + " killed and restarted onto its failing disk");
            }
        } else if (fault instanceof Fault.TornWrite t) {
            log.write(nodes.failIo(t.node(), FaultyDisk.Failing.TORN));
        } else if (fault instanceof Fault.ShortWrites sw) {
            log.write(nodes.failIo(sw.node(), FaultyDisk.Failing.SHORT));
        } else if (fault instanceof Fault.ClockJump c) {
            nodes.skewClock(c.node(), c.offsetMillis());
        } else if (fault instanceof Fault.SlowLeaseClock c) {
            slowed = placements.nodeLeadingMostShards();
            if (slowed > 0) {
                nodes.slowLeaseClock(slowed, c.rate());
                Thread.sleep(200); // the store reads its lease clock's rate every 0.1 s
                log.write("slowed n" + slowed + "'s lease clock; isolating it");
                net.block(c.isolating(slowed));
            } else {
                log.write("no store leads a shard: nothing slowed");
            }
        } else if (fault instanceof Fault.KillPdLeader) {
            int node = placements.pdLeaderNode();
            if (node > 0) {
                log.write("the pd leader is pd" + node);
                nodes.kill(node, Fault.Process.PD);
            } else {
                log.write("no pd leader to kill");
            }
        } else if (fault instanceof Fault.ReplicaMove) {
            placements.moveOneReplica();
        } else if (fault instanceof Fault.Split) {
            placements.splitOne();
        } else if (fault instanceof Fault.Drain) {
            placements.drainOne();
        }
    }

    /** Ends {@code fault} (a killed process restarts on its data), and notes when. */
    void heal(Fault fault) throws IOException {
        if (fault instanceof Fault.Kill k) {
            nodes.restart(k.node(), k.process());
        } else if (fault instanceof Fault.Pause p) {
            nodes.signal(p.node(), p.process(), "CONT");
        } else if (fault instanceof Fault.DiskFull d) {
            nodes.disk(d.node()).free();
        } else if (fault instanceof Fault.FsyncFails f) {
            log.write(nodes.failFsyncs(f.node(), false));
        } else if (fault instanceof Fault.IoErrors io) {
            log.write(nodes.failIo(io.node(), FaultyDisk.Failing.NOTHING));
        } else if (fault instanceof Fault.TornWrite t) {
            log.write(nodes.failIo(t.node(), FaultyDisk.Failing.NOTHING));
        } else if (fault instanceof Fault.ShortWrites sw) {
            log.write(nodes.failIo(sw.node(), FaultyDisk.Failing.NOTHING));
        } else if (fault instanceof Fault.ClockJump c) {
            nodes.skewClock(c.node(), 0);
        } else if (fault instanceof Fault.SlowLeaseClock) {
            net.heal();
            if (slowed > 0) {
                nodes.slowLeaseClock(slowed, 1.0);
                slowed = 0;
            }
        } else if (fault instanceof Fault.KillPdLeader) {
            int node = placements.killedPdLeader();
            if (node > 0) {
                nodes.restart(node, Fault.Process.PD);
            }
        } else if (fault instanceof Fault.LeaderChurn || fault instanceof Fault.ReplicaMove || fault instanceof Fault.Split
                || fault instanceof Fault.Drain) {
            // placement keeps what it did
        } else {
            String held = net.heal();
            if (!held.isEmpty()) {
                log.write(held);
            }
        }
        log.write("end " + fault.describe());
    }
}
