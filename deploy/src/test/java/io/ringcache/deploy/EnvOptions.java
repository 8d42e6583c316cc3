package io.ringcache.deploy;

import picocli.CommandLine;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads which environment variable feeds which option from the picocli annotations themselves. */
public final class EnvOptions {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)(:-|})");

    private EnvOptions() {
    }

    /** Variable name to the option's first name, for every {@code @Option} whose default reads {@code ${env:NAME...}}. */
    public static Map<String, String> of(Class<?> options) {
        Map<String, String> out = new TreeMap<>();
        for (Field f : options.getDeclaredFields()) {
            if (f.getAnnotation(CommandLine.Mixin.class) != null) {
                out.putAll(of(f.getType())); // shared flags, e.g. TLS
                continue;
            }
            CommandLine.Option opt = f.getAnnotation(CommandLine.Option.class);
            if (opt == null) {
                continue;
            }
            Matcher m = ENV.matcher(opt.defaultValue());
            if (m.find()) {
                out.put(m.group(1), opt.names()[0]);
            }
        }
        return out;
    }
}
