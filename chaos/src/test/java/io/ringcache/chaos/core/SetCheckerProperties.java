package io.ringcache.chaos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The set checker against a model: a register of comma-separated elements that clients extend by
 * compare-and-set, where some adds are acknowledged, some fail before or after applying (unknown),
 * and some lose a race. A correct register never makes the checker complain; a register that
 * drops an acknowledged update, invents one, or applies one twice always does.
 */
class SetCheckerProperties {

    /** Runs {@code adds} adds on a model register; returns the history and the register's final value. */
    private static SetChecker.SetHistory model(long seed, int adds) {
        Random random = new Random(seed);
        List<String> value = new ArrayList<>();
        Set<String> attempted = new HashSet<>();
        Set<String> acknowledged = new HashSet<>();
        for (int n = 0; n < adds; n++) {
            String e = "a" + n;
            attempted.add(e);
            int dice = random.nextInt(10);
            if (dice < 7) {
                value.add(e);
                acknowledged.add(e);
            } else if (dice < 8) {
                value.add(e); // applied, reply lost
            } // else: failed before applying
        }
        return new SetChecker.SetHistory("s", acknowledged, attempted, value);
    }

    @Property(tries = 300)
    void aCorrectRegisterPasses(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int adds) {
        SetChecker.Report r = SetChecker.check(List.of(model(seed, adds)));
        assertTrue(r.ok(), r.describe());
        assertEquals(model(seed, adds).finalValue().size(), r.sizes().get("s"));
    }

    @Property(tries = 300)
    void aLostUpdateAPhantomAndADoubleApplyAreEachCaught(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int adds,
                                                          @ForAll @IntRange(min = 0, max = 2) int fault) {
        SetChecker.SetHistory h = model(seed, adds);
        List<String> broken = new ArrayList<>(h.finalValue());
        if (fault == 0 && !h.acknowledged().isEmpty()) {
            broken.remove(h.acknowledged().iterator().next());
        } else if (fault == 1) {
            broken.add("never-sent");
        } else if (!broken.isEmpty()) {
            broken.add(broken.get(0));
        } else {
            return;
        }
        SetChecker.Report r = SetChecker.check(List.of(new SetChecker.SetHistory("s", h.acknowledged(), h.attempted(), broken)));
        assertFalse(r.ok(), "broken register passed: " + broken);
    }

    @Test
    void aSetWithNoFinalReadIsReportedUnread() {
        SetChecker.Report r = SetChecker.check(List.of(new SetChecker.SetHistory("s", Set.of("a1"), Set.of("a1"), null)));
        assertEquals(List.of("s"), r.unread());
        assertFalse(r.ok());
    }

    @Test
    void elementsOfAnEmptyOrAbsentValueAreNone() {
        assertEquals(List.of(), SetChecker.elements(null));
        assertEquals(List.of(), SetChecker.elements(""));
        assertEquals(List.of("a1", "a2"), SetChecker.elements("a1,a2"));
    }
}
