package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpTtlTest {

    @ParameterizedTest
    @CsvSource({"0,0", "30,30000", "10s,10000", "500ms,500", "5m,300000", "1h,3600000", "1h30m,5400000",
        "2m500ms,120500", "' 15 ',15000", "007,7000"})
    void parsesSecondsAndDurations(String text, long millis) {
        assertEquals(millis, Ttl.parseMillis(text));
    }

    @Test
    void absentOrEmptyMeansNoExpiry() {
        assertEquals(0, Ttl.parseMillis(null));
        assertEquals(0, Ttl.parseMillis(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "-1", "+1", "1.5", "1.5s", "10x", "s", "ms", "10 s", "1h-", "1d", "10S",
        "9223372036854775807", "99999999999999999999s", "9223372036854775807ms1ms"})
    void refusesAnythingElse(String text) {
        HttpError e = assertThrows(HttpError.class, () -> Ttl.parseMillis(text));
        assertEquals(400, e.status());
    }
}
