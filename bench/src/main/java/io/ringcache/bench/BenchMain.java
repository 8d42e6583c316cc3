package io.ringcache.bench;

import io.ringcache.bench.compare.Compare;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The entry point of {@code benchmarks.jar}: the normal JMH command line (include regex, -f, -wi,
 * -i, -rf, -rff, -p, ...), plus what every ringcache JVM needs. The flags in
 * {@code jvm.properties} (see {@link JvmFlags}) and {@code -Xmx1g} are appended to every fork's
 * JVM arguments, after any {@code -jvmArgsAppend} given on the command line.
 *
 * <p>When the off-heap adapter is not on the classpath and the command line does not choose
 * {@code -p store=...}, the {@code store} parameter is limited to {@code heap} and a message says
 * the chronicle variant is skipped.
 *
 * <p>A first argument {@code SdkLoad}, {@code KvLoad}, {@code SplitPause}, {@code EvictionTraces}, {@code RespReadThrough} or {@code Compare} runs that load tool
 * (or the comparison with etcd and Redis) instead of JMH, with the remaining arguments (e.g.
 * {@code java -jar benchmarks.jar SdkLoad --help}).
 */
public final class BenchMain {

    static final String HEAP_FLAG = "-Xmx1g";

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // Plain load tools run in this JVM instead of JMH: `benchmarks.jar SdkLoad pd=... workload=a`.
        if (args.length > 0 && List.of("SdkLoad", "KvLoad", "Compare", "SplitPause", "EvictionTraces", "RespReadThrough").contains(args[0])) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "SdkLoad" -> SdkLoad.main(rest);
                case "KvLoad" -> KvLoad.main(rest);
                case "SplitPause" -> SplitPause.main(rest);
                case "EvictionTraces" -> EvictionTraces.main(rest);
                case "RespReadThrough" -> RespReadThrough.main(rest);
                default -> Compare.main(rest);
            }
            return;
        }
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (cmd.shouldHelp()) {
            cmd.showHelp();
            return;
        }
        if (cmd.shouldListProfilers()) {
            cmd.listProfilers();
            return;
        }
        if (cmd.shouldListResultFormats()) {
            cmd.listResultFormats();
            return;
        }

        Path flagsFile = JvmFlags.locate();
        List<String> appended = new ArrayList<>();
        if (cmd.getJvmArgsAppend().hasValue()) {
            appended.addAll(cmd.getJvmArgsAppend().get());
        }
        appended.addAll(JvmFlags.read(flagsFile));
        appended.add(HEAP_FLAG);

        OptionsBuilder options = new OptionsBuilder();
        options.parent(cmd);
        options.jvmArgsAppend(appended.toArray(new String[0]));
        if (!Stores.chronicleAvailable() && !cmd.getParameter("store").hasValue()) {
            System.out.println("# ringcache: " + Stores.chronicleMissingMessage());
            options.param("store", Stores.HEAP);
        }
        System.out.println("# ringcache: fork JVM flags from " + flagsFile + " plus " + HEAP_FLAG);

        Runner runner = new Runner(options.build());
        try {
            if (cmd.shouldList()) {
                runner.list();
            } else if (cmd.shouldListWithParams()) {
                runner.listWithParams(cmd);
            } else {
                runner.run();
            }
        } catch (RunnerException e) {
            System.err.println("ERROR: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }
}
