package io.ringcache.node.adapter.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** A command's arguments, with Redis' parsing rules and error texts. */
final class RespArgs {

    /** Thrown to answer a command with an error reply before any work is done. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String text) {
            super(text, null, false, false);
        }
    }

    private final List<byte[]> args;
    final String name;

    RespArgs(List<byte[]> args) {
        this.args = args;
        this.name = new String(args.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }

    int size() {
        return args.size();
    }

    byte[] bytes(int i) {
        return args.get(i);
    }

    String text(int i) {
        return new String(args.get(i), StandardCharsets.UTF_8);
    }

    /** The argument in upper case, for options such as EX or NX. */
    String option(int i) {
        return text(i).toUpperCase(Locale.ROOT);
    }

    long integer(int i) {
        try {
            return Long.parseLong(text(i));
        } catch (NumberFormatException e) {
            throw new Refused("ERR value is not an integer or out of range");
        }
    }

    /** Refuses unless the command has {@code min} to {@code max} words, its name included. */
    void arity(int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw new Refused("ERR wrong number of arguments for '" + name + "' command");
        }
    }

    static Refused syntax() {
        return new Refused("ERR syntax error");
    }
}
