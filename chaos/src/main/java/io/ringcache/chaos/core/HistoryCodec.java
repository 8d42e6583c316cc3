package io.ringcache.chaos.core;

/**
 * One {@link Operation} per line, so a run's history is written as it happens (a run that dies
 * still leaves every operation recorded so far) and read back by the checker or by a person:
 *
 * <pre>
 * id  key  call                   outcome        invoked-ns  returned-ns
 * 17  h3   write:c1-8             done           1203344     1209981
 * 18  h3   cas:c1-8:c2-4          swapped:true   1210000     1290000
 * 19  h0   read                   value:~        1210500     1211000
 * 20  h0   delete                 unknown        1212000     -
 * </pre>
 *
 * Fields are separated by one tab. {@code ~} stands for "absent" (a read that found nothing, a
 * compare-and-set that expected nothing); {@code -} for "never returned". Keys and values are
 * therefore restricted to text without whitespace, ':' or a leading '~', which the workloads' values
 * ({@code c<client>-<n>}) satisfy; anything else is refused rather than written ambiguously.
 */
public final class HistoryCodec {

    private static final String ABSENT = "~";
    private static final String NEVER = "-";

    private HistoryCodec() {
    }

    public static String encode(Operation op) {
        return op.id() + "\t" + token(op.key()) + "\t" + call(op.call()) + "\t" + outcome(op.outcome()) + "\t"
                + op.invokedAt() + "\t" + (op.returnedAt() == Operation.NEVER ? NEVER : Long.toString(op.returnedAt()));
    }

    /** The operation on {@code line}; IllegalArgumentException names what is wrong with it. */
    public static Operation decode(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException("a history line has 6 tab-separated fields, this has " + f.length + ": " + line);
        }
        try {
            Operation.Call call = call(f[2]);
            Operation.Outcome outcome = outcome(f[3]);
            long returned = f[5].equals(NEVER) ? Operation.NEVER : Long.parseLong(f[5]);
            return new Operation(Integer.parseInt(f[0]), f[1], call, outcome, Long.parseLong(f[4]), returned);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad history line '" + line + "': " + e.getMessage(), e);
        }
    }

    private static String call(Operation.Call call) {
        if (call instanceof Operation.Call.Read) {
            return "read";
        }
        if (call instanceof Operation.Call.Write w) {
            return "write:" + token(w.value());
        }
        if (call instanceof Operation.Call.Delete) {
            return "delete";
        }
        Operation.Call.CompareAndSet c = (Operation.Call.CompareAndSet) call;
        return "cas:" + value(c.expected()) + ":" + token(c.next());
    }

    private static Operation.Call call(String text) {
        String[] p = text.split(":", -1);
        return switch (p[0]) {
            case "read" -> new Operation.Call.Read();
            case "delete" -> new Operation.Call.Delete();
            case "write" -> {
                expectParts(text, p, 2);
                yield new Operation.Call.Write(p[1]);
            }
            case "cas" -> {
                expectParts(text, p, 3);
                yield new Operation.Call.CompareAndSet(p[1].equals(ABSENT) ? null : p[1], p[2]);
            }
            default -> throw new IllegalArgumentException("unknown call " + text);
        };
    }

    private static String outcome(Operation.Outcome outcome) {
        if (outcome instanceof Operation.Outcome.Value v) {
            return "value:" + value(v.value());
        }
        if (outcome instanceof Operation.Outcome.Done) {
            return "done";
        }
        if (outcome instanceof Operation.Outcome.Swapped s) {
            return "swapped:" + s.swapped();
        }
        return "unknown";
    }

    private static Operation.Outcome outcome(String text) {
        String[] p = text.split(":", -1);
        return switch (p[0]) {
            case "done" -> new Operation.Outcome.Done();
            case "unknown" -> new Operation.Outcome.Unknown();
            case "value" -> {
                expectParts(text, p, 2);
                yield new Operation.Outcome.Value(p[1].equals(ABSENT) ? null : p[1]);
            }
            case "swapped" -> {
                expectParts(text, p, 2);
                yield new Operation.Outcome.Swapped(Boolean.parseBoolean(p[1]));
            }
            default -> throw new IllegalArgumentException("unknown outcome " + text);
        };
    }

    private static void expectParts(String text, String[] parts, int n) {
        if (parts.length != n) {
            throw new IllegalArgumentException("'" + text + "' has " + parts.length + " ':'-separated parts, expected " + n);
        }
    }

    private static String value(String v) {
        return v == null ? ABSENT : token(v);
    }

    private static String token(String s) {
        if (s.isEmpty() || s.startsWith(ABSENT) || s.chars().anyMatch(c -> c == ':' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("'" + s + "' cannot be written to a history line (empty, leading ~, ':' or whitespace)");
        }
        return s;
    }
}
