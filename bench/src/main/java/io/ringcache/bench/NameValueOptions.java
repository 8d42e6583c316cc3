package io.ringcache.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code name=value} command lines of the load tools: a declared, ordered set of options with
 * defaults and help. Parsing fills in every default and refuses any argument that is not a
 * declared {@code name=value} (a leading {@code -} or {@code --} on the name is allowed); what the
 * values mean is the caller's to check.
 */
public final class NameValueOptions {

    /** Option name to {default, help}; insertion order is the usage order. */
    private final Map<String, String[]> options = new LinkedHashMap<>();

    public NameValueOptions add(String name, String def, String help) {
        options.put(name, new String[] {def, help});
        return this;
    }

    /** Every option's value, defaults included, in declaration order; IllegalArgumentException on an unknown argument. */
    public Map<String, String> parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        options.forEach((k, v) -> values.put(k, v[0]));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            String name = kv[0].replaceFirst("^-{1,2}", "");
            if (kv.length != 2 || !options.containsKey(name)) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            values.put(name, kv[1]);
        }
        return values;
    }

    /** One line per option: name padded to {@code width}, help, and the default ("none" when empty). */
    public void print(PrintStream out, int width) {
        options.forEach((k, v) -> out.printf("  %-" + width + "s %s (default: %s)%n", k, v[1], v[0].isEmpty() ? "none" : v[0]));
    }
}
