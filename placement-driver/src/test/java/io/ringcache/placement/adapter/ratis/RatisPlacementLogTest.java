package io.ringcache.placement.adapter.ratis;

import io.ringcache.placement.core.PdMember;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.placement.adapter.PlacementLogContract;
import io.ringcache.placement.core.NotPlacementLeaderException;
import io.ringcache.placement.core.PlacementLog;
import io.ringcache.placement.core.PlacementState;
import io.ringcache.testing.Poll;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Ratis adapter passes the log contract alone, and replicates, fails over and recovers as a group of three. */
class RatisPlacementLogTest extends PlacementLogContract {

    private final List<RatisPlacementLog> open = new ArrayList<>();
    private Path root;

    @Override
    protected PlacementLog log() throws Exception {
        root = Files.createTempDirectory("pd-log");
        PdMember self = new PdMember("pd1", "127.0.0.1:" + freePort(), "127.0.0.1:9");
        RatisPlacementLog log = track(new RatisPlacementLog(self, List.of(self), root.resolve("pd1").toFile(), 300).start());
        await(log::isReadyLeader);
        return log;
    }

    @Test
    void threeMembersReplicateFailOverAndRecover() throws Exception {
        root = Files.createTempDirectory("pd-group");
        List<PdMember> members = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            members.add(new PdMember("pd" + i, "127.0.0.1:" + freePort(), "127.0.0.1:" + (9000 + i)));
        }
        List<RatisPlacementLog> logs = new ArrayList<>();
        for (PdMember m : members) {
            logs.add(track(new RatisPlacementLog(m, members, root.resolve(m.id()).toFile(), 300).start()));
        }
        await(() -> logs.stream().anyMatch(RatisPlacementLog::isReadyLeader));
        RatisPlacementLog leader = logs.stream().filter(RatisPlacementLog::isReadyLeader).findFirst().orElseThrow();
        RatisPlacementLog follower = logs.stream().filter(l -> l != leader).findFirst().orElseThrow();

        PlacementState base = leader.current();
        PlacementState one = leader.commit(base, base.withMap(map(1, "s1")));
        await(() -> logs.stream().allMatch(l -> l.current().revision() == 1));
        assertEquals(one.map(), follower.current().map());

        // A follower cannot commit; it names the leader's client address.
        NotPlacementLeaderException e = assertThrows(NotPlacementLeaderException.class,
                () -> follower.commit(follower.current(), follower.current().withMap(map(2, "s2"))));
        await(() -> follower.leader().isPresent());
        assertEquals(leader.self().grpcAddress(), follower.leader().orElseThrow().grpcAddress());
        assertTrue(e.getMessage().contains("does not lead"));

        // The leader goes; a survivor takes over with the state intact and commits on top of it.
        leader.close();
        open.remove(leader);
        List<RatisPlacementLog> rest = new ArrayList<>(logs);
        rest.remove(leader);
        await(() -> rest.stream().anyMatch(RatisPlacementLog::isReadyLeader));
        RatisPlacementLog next = rest.stream().filter(RatisPlacementLog::isReadyLeader).findFirst().orElseThrow();
        assertEquals(one.map(), next.current().map());
        PlacementState two = next.commit(next.current(), next.current().withMap(map(2, "s2")));
        assertEquals(2, two.revision());

        // The old leader restarts from its folder and catches up.
        PdMember gone = leader.self();
        RatisPlacementLog back = track(new RatisPlacementLog(gone, members, root.resolve(gone.id()).toFile(), 300).start());
        await(() -> back.current().revision() == 2);
        assertEquals(two.map(), back.current().map());
    }

    private RatisPlacementLog track(RatisPlacementLog log) {
        open.add(log);
        return log;
    }

    @AfterEach
    void closeAll() throws IOException {
        for (RatisPlacementLog l : open) {
            l.close();
        }
        open.clear();
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        Poll.until("the condition", condition);
    }
}
