package io.ringcache.node.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Parses store-node flags with the launcher's own picocli command ({@link StoreNodeMain#parse}). */
public final class StoreFlags {

    /** The parsed flags the deployment checks look at. */
    public record Parsed(String nodeId, String httpAddr, String grpcAddr, String raftAddr, String raftAdvertise,
            String raftDir, List<String> pd, Map<String, String> labels, boolean bootstrap, int shards,
            long shardMemoryMb) {
    }

    private StoreFlags() {
    }

    /** The parsed flags; IllegalArgumentException with what ringcache-store printed when it would not start. */
    public static Parsed parse(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] exit = {0};
        NodeOptions o = StoreNodeMain.parse(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), exit);
        if (o == null) {
            throw new IllegalArgumentException("ringcache-store " + args + " would not start (exit " + exit[0] + "): "
                    + err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
        }
        return new Parsed(o.nodeId, o.httpAddr, o.grpcAddr, o.raftAddr, o.raftAdvertise, o.raftDir.toString(),
                o.pd.isEmpty() ? List.of() : NodeOptions.pdList(o.pd), o.labelMap(), o.bootstrap, o.shards,
                o.shardMemoryMb);
    }

    /** Environment variable name to the option it sets (from the {@code ${env:NAME:-...}} defaults). */
    public static Map<String, String> envOptions() {
        return io.ringcache.deploy.EnvOptions.of(NodeOptions.class);
    }
}
