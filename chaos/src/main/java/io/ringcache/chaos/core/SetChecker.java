package io.ringcache.chaos.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks grow-only sets kept in single keys: clients add an element by compare-and-set of the
 * key's whole value (the old elements plus the new one, comma-separated), as Jepsen's etcd "set"
 * test does, so a lost update, a compare-and-set that succeeded against a stale value, or a write
 * applied twice shows in the final value. Each set's size is also a counter incremented by
 * compare-and-set, checked by the same rules:
 * <ul>
 *   <li><b>lost</b>: an element whose add was acknowledged is missing from the final read;</li>
 *   <li><b>phantom</b>: an element in the final read that no client tried to add;</li>
 *   <li><b>duplicate</b>: an element present more than once (an add applied twice).</li>
 * </ul>
 * An add with an unknown outcome may or may not be present. A set whose final read failed is
 * reported as unread, since nothing about it can be checked.
 */
public final class SetChecker {

    /** What one set's adds and final read were. {@code finalValue} null: no final read answered. */
    public record SetHistory(String key, Set<String> acknowledged, Set<String> attempted, List<String> finalValue) {
        public SetHistory {
            Objects.requireNonNull(key, "key");
            acknowledged = Set.copyOf(acknowledged);
            attempted = Set.copyOf(attempted);
            finalValue = finalValue == null ? null : List.copyOf(finalValue);
            if (!attempted.containsAll(acknowledged)) {
                throw new IllegalArgumentException("set " + key + ": an acknowledged add was never attempted");
            }
        }
    }

    /** What the check found over every set; {@code sizes} the final counter values, by key. */
    public record Report(int sets, int acknowledged, int unknown, List<String> lost, List<String> phantom,
                         List<String> duplicate, List<String> unread, Map<String, Integer> sizes) {
        public boolean ok() {
            return lost.isEmpty() && phantom.isEmpty() && duplicate.isEmpty() && unread.isEmpty();
        }

        public String describe() {
            return sets + " sets, " + acknowledged + " acknowledged adds (" + unknown + " unknown), " + lost.size() + " lost, "
                    + phantom.size() + " phantom, " + duplicate.size() + " duplicated, " + unread.size() + " unread";
        }
    }

    private SetChecker() {
    }

    public static Report check(List<SetHistory> sets) {
        List<String> lost = new ArrayList<>();
        List<String> phantom = new ArrayList<>();
        List<String> duplicate = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        Map<String, Integer> sizes = new HashMap<>();
        int acknowledged = 0;
        int unknown = 0;
        for (SetHistory s : sets) {
            acknowledged += s.acknowledged().size();
            unknown += s.attempted().size() - s.acknowledged().size();
            if (s.finalValue() == null) {
                unread.add(s.key());
                continue;
            }
            sizes.put(s.key(), s.finalValue().size());
            Set<String> seen = new HashSet<>();
            for (String e : s.finalValue()) {
                if (!seen.add(e)) {
                    duplicate.add(s.key() + ":" + e);
                }
                if (!s.attempted().contains(e)) {
                    phantom.add(s.key() + ":" + e);
                }
            }
            for (String e : s.acknowledged()) {
                if (!seen.contains(e)) {
                    lost.add(s.key() + ":" + e);
                }
            }
        }
        return new Report(sets.size(), acknowledged, unknown, lost, phantom, duplicate, unread, sizes);
    }

    /** The elements of a set's value ("" or absent: none). */
    public static List<String> elements(String value) {
        return value == null || value.isEmpty() ? List.of() : List.of(value.split(","));
    }
}
