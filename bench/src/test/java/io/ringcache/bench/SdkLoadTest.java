package io.ringcache.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SdkLoadTest {

    @Test
    void parsesOptionsOverDefaults() {
        Map<String, String> a = SdkLoad.parse(new String[] {"pd=10.0.0.1:9090,10.0.0.2:9090", "workload=W", "--records=50"});
        assertEquals("10.0.0.1:9090,10.0.0.2:9090", a.get("pd"));
        assertEquals("W", a.get("workload"));
        assertEquals("50", a.get("records"));
        assertEquals("256", a.get("inflight"));
        assertEquals("zipfian", a.get("dist"));
    }

    @Test
    void rejectsBadInput() {
        for (String bad : new String[] {"nope=1", "workload=d", "dist=hot", "threads=0", "records=x", "load=yes",
                "read=strong", "inflight", "records=1"}) {
            assertThrows(IllegalArgumentException.class, () -> SdkLoad.parse(new String[] {bad}), bad);
        }
    }
}
