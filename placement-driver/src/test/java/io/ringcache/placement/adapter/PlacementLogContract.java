package io.ringcache.placement.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.PlacementLog;
import io.ringcache.placement.core.PlacementState;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.routing.TokenPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link PlacementLog} adapter must do; each adapter's test extends this. */
public abstract class PlacementLogContract {

    /** A log that leads (or is alone) and starts empty. */
    protected abstract PlacementLog log() throws Exception;

    public static PartitionMap map(long epoch, String store) {
        return new PartitionMap(epoch, TokenPlanner.initial(new int[] {0, 1}),
                Map.of(0, new ShardInfo(0, List.of(store), store, 1), 1, new ShardInfo(1, List.of(store), store, 1)),
                Map.of(store, new StoreInfo(store, "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", Map.of("zone", "a"),
                        StoreState.UP)));
    }

    @Test
    void startsEmptyAndCommitsInOrder() throws Exception {
        PlacementLog log = log();
        assertEquals(0, log.current().revision());
        PlacementState base = log.current();
        PlacementState one = log.commit(base, base.withMap(map(1, "s1")));
        assertEquals(1, one.revision());
        assertEquals(map(1, "s1"), one.map());
        PlacementState two = log.commit(one, one.withMap(map(2, "s2")));
        assertEquals(2, two.revision());
        assertEquals(two, log.current());
    }

    @Test
    void refusesAChangeComputedFromAnOldRevision() throws Exception {
        PlacementLog log = log();
        PlacementState base = log.current();
        PlacementState one = log.commit(base, base.withMap(map(1, "s1")));
        assertThrows(PlacementLog.ConcurrentChangeException.class, () -> log.commit(base, base.withMap(map(7, "s7"))));
        assertEquals(one.map(), log.current().map());
        assertEquals(1, log.current().revision());
    }

    @Test
    void tellsListenersOfEveryAppliedState() throws Exception {
        PlacementLog log = log();
        List<Long> seen = new ArrayList<>();
        log.addListener(s -> seen.add(s.revision()));
        PlacementState base = log.current();
        PlacementState one = log.commit(base, base.withMap(map(1, "s1")));
        log.commit(one, one.withMap(map(2, "s1")));
        assertEquals(List.of(1L, 2L), seen);
    }
}
