package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.OperatorInfo;
import io.ringcache.proto.v1.OperatorKind;
import io.ringcache.proto.v1.OperatorStatus;
import io.ringcache.proto.v1.StoreState;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Formatting shared by the commands: enum names, durations, sizes, lists. */
final class Fmt {

    private Fmt() {
    }

    static String state(StoreState s) {
        return strip(s.name(), "STORE_STATE_");
    }

    static String kind(OperatorKind k) {
        return strip(k.name(), "OPERATOR_KIND_");
    }

    static String status(OperatorStatus s) {
        return strip(s.name(), "OPERATOR_STATUS_");
    }

    private static String strip(String name, String prefix) {
        if (name.equals("UNRECOGNIZED")) {
            return "UNKNOWN";
        }
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    static boolean finished(OperatorStatus s) {
        return s == OperatorStatus.OPERATOR_STATUS_DONE || s == OperatorStatus.OPERATOR_STATUS_FAILED
                || s == OperatorStatus.OPERATOR_STATUS_CANCELLED;
    }

    /** "op-7 (MOVE_REPLICA shard 3 s1->s4)". */
    static String describe(OperatorInfo op) {
        StringBuilder b = new StringBuilder();
        if (!op.getId().isEmpty()) {
            b.append(op.getId()).append(' ');
        }
        b.append('(').append(kind(op.getKind())).append(" shard ").append(Integer.toUnsignedString(op.getShardId()));
        if (!op.getSourceStore().isEmpty() || !op.getTargetStore().isEmpty()) {
            b.append(' ').append(op.getSourceStore().isEmpty() ? "-" : op.getSourceStore())
                    .append("->").append(op.getTargetStore().isEmpty() ? "-" : op.getTargetStore());
        }
        return b.append(')').toString();
    }

    /** 850ms, 12.3s, 4m05s, 2h03m, 3d04h; "-" for negative. */
    static String age(long millis) {
        if (millis < 0) {
            return "-";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long s = millis / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, (s % 86_400) / 3600);
    }

    static String duration(Duration d) {
        return age(d.toMillis());
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }

    static String rate(double opsPerSecond) {
        return String.format(Locale.ROOT, "%.1f", opsPerSecond);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    static String list(List<String> items) {
        return items.isEmpty() ? "-" : String.join(",", items);
    }

    static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /** Collapses a message to one line. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.replaceAll("\\s*[\\r\\n]+\\s*", "; ").strip();
    }
}
