package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HotKeyMarksTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMarkHoldsUntilItExpiresAndARenewalExtendsIt() {
        HotKeyMarks routes = new HotKeyMarks();
        assertFalse(routes.isHot(b("k"), 0));
        byte[] key = b("k");
        routes.marked(key, 1_000);
        key[0] = 'x'; // the routes hold a copy
        assertTrue(routes.isHot(b("k"), 1_000 + HotKeyMarks.HOLD_NANOS - 1));
        routes.marked(b("k"), 5_000);
        assertTrue(routes.isHot(b("k"), 1_000 + HotKeyMarks.HOLD_NANOS + 1), "renewed");
        assertFalse(routes.isHot(b("k"), 5_000 + HotKeyMarks.HOLD_NANOS + 1), "expired");
        assertEquals(0, routes.size(), "an expired mark is dropped when seen");
    }

    @Test
    void heldKeysAreBoundedAndExpiredOnesMakeRoom() {
        HotKeyMarks routes = new HotKeyMarks();
        for (int i = 0; i < HotKeyMarks.MAX_KEYS + 10; i++) {
            routes.marked(b("k" + i), 0);
        }
        assertEquals(HotKeyMarks.MAX_KEYS, routes.size());
        assertFalse(routes.isHot(b("k" + (HotKeyMarks.MAX_KEYS + 5)), 1), "no room: not held");
        routes.marked(b("late"), HotKeyMarks.HOLD_NANOS + 1);
        assertTrue(routes.isHot(b("late"), HotKeyMarks.HOLD_NANOS + 2), "expired marks made room");
        assertEquals(1, routes.size());
    }
}
