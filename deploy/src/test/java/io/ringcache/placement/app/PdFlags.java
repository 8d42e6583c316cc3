package io.ringcache.placement.app;

import io.ringcache.placement.core.PdMember;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Parses placement-driver flags with the launcher's own picocli command ({@link PlacementDriverMain#parse}). */
public final class PdFlags {

    /** The parsed flags the deployment checks look at. */
    public record Parsed(String id, String grpcAddr, String raftAddr, String httpAddr, String dataDir,
            List<PdMember> members, int replicas) {
    }

    private PdFlags() {
    }

    /** The parsed flags; IllegalArgumentException with what ringcache-pd printed when it would not start. */
    public static Parsed parse(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] exit = {0};
        PdOptions o = PlacementDriverMain.parse(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), exit);
        if (o == null) {
            throw new IllegalArgumentException("ringcache-pd " + args + " would not start (exit " + exit[0] + "): "
                    + err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
        }
        return new Parsed(o.id, o.grpcAddr, o.raftAddr, o.httpAddr, o.dataDir.toString(), o.members(), o.replicas);
    }

    /** Environment variable name to the option it sets (from the {@code ${env:NAME:-...}} defaults). */
    public static Map<String, String> envOptions() {
        return io.ringcache.deploy.EnvOptions.of(PdOptions.class);
    }
}
