package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.retry.MultipleLinearRandomRetry;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RatisTuningTest {

    @Test
    void prefixedSystemPropertiesOverrideTheTypedSettings() {
        RaftProperties p = RatisTuning.defaults(new File("unused")).toProperties();
        assertEquals(1, RaftServerConfigKeys.Log.Appender.waitTimeMin(p).toLong(TimeUnit.MILLISECONDS));

        Properties source = new Properties();
        source.setProperty(RatisTuning.OVERRIDE_PREFIX + RaftServerConfigKeys.Log.Appender.WAIT_TIME_MIN_KEY, "0ms");
        source.setProperty(RatisTuning.OVERRIDE_PREFIX + RaftServerConfigKeys.Log.LOG_METADATA_ENABLED_KEY, "false");
        source.setProperty("raft.server.rpc.timeout.min", "1ms");
        source.setProperty(RatisTuning.OVERRIDE_PREFIX, "ignored");
        RatisTuning.applyOverrides(p, source);

        assertEquals(0, RaftServerConfigKeys.Log.Appender.waitTimeMin(p).toLong(TimeUnit.MILLISECONDS));
        assertFalse(RaftServerConfigKeys.Log.logMetadataEnabled(p));
        assertEquals(RatisTuning.DEFAULT_ELECTION_TIMEOUT_MIN.toMillis(), RaftServerConfigKeys.Rpc.timeoutMin(p).toLong(TimeUnit.MILLISECONDS),
                "only prefixed keys apply");
        assertNull(p.get(""));
    }

    /** A group's cached log entries stay within two segments of heap, whatever the entry limit. */
    @Test
    void aGroupsLogCacheIsBoundedToTwoSegments() {
        for (long payload : new long[] {1L << 20, 16L << 20}) {
            RaftProperties p = RatisTuning.defaults(new File("unused")).withEntryLimit(payload).toProperties();
            assertEquals(RatisTuning.DEFAULT_SEGMENT_BYTES, RaftServerConfigKeys.Log.segmentSizeMax(p).getSize());
            assertEquals(2 * RatisTuning.DEFAULT_SEGMENT_BYTES, RaftServerConfigKeys.Log.segmentCacheSizeMax(p).getSize());
        }
    }

    @Test
    void aLogAppenderNeverSleepsMoreThanThreeQuartersOfASecondAfterErrors() {
        RaftProperties p = RatisTuning.defaults(new File("unused")).toProperties();
        RetryPolicy policy = MultipleLinearRandomRetry.parseCommaSeparated(RaftServerConfigKeys.Log.Appender.retryPolicy(p));
        for (int errors = 1; errors <= 100_000; errors = errors < 100 ? errors + 1 : errors * 2) {
            int count = errors;
            RetryPolicy.Action action = policy.handleAttemptFailure(() -> count);
            long sleepMillis = action.getSleepTime().toLong(TimeUnit.MILLISECONDS);
            assertTrue(action.shouldRetry() && sleepMillis <= 750, errors + " errors: sleep " + sleepMillis + " ms");
        }
    }
}
