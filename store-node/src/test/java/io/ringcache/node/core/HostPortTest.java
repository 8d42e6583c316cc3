package io.ringcache.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesTheSeedsForms() {
        assertEquals(new HostPort("", 8080), HostPort.parse(":8080"));
        assertTrue(HostPort.parse(":8080").anyHost());
        assertEquals(new HostPort("localhost", 8081), HostPort.parse("localhost:8081"));
        assertEquals(new HostPort("::1", 7), HostPort.parse("[::1]:7"));
        assertEquals("10.0.0.5:9000", HostPort.parse(":0").advertised("10.0.0.5", 9000));
        assertEquals("[::1]:7", HostPort.parse("[::1]:7").advertised("x", 7));
    }

    @Test
    void refusesNonsense() {
        for (String bad : new String[] {"", "8080", "host:", "host:http", ":70000", ":-1"}) {
            assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
        }
    }
}
