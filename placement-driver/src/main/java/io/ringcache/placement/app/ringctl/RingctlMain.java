package io.ringcache.placement.app.ringctl;

import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ringctl}: the operator's command line for the placement driver (PD).
 *
 * <p>Every command takes the global options {@code --pd}, {@code --output} and {@code --timeout},
 * before or after the command name. Errors are one line on stderr, {@code ringctl: <message>},
 * with the exit codes of {@link ExitCodes}.
 */
@Command(name = "ringctl", mixinStandardHelpOptions = true, versionProvider = RingctlMain.Version.class,
        description = "Operates a ringcache cluster through its placement driver (PD).",
        subcommands = {
            StatusCommand.class, StoresCommand.class, ShardsCommand.class, RingCommand.class, LocateCommand.class,
            OperatorsCommand.class, CancelCommand.class, RebalanceCommand.class, MoveReplicaCommand.class,
            TransferLeaderCommand.class, SplitCommand.class, DrainCommand.class, RemoveStoreCommand.class, HotCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success.",
            "1:The PD refused the request (bad shard, store or operator; precondition not met), or an operation "
                    + "ringctl waited for failed or was cancelled.",
            "2:Usage error.",
            "3:PD unreachable, or it has no leader.",
            "4:--timeout elapsed while waiting (the operators keep running in the PD)."},
        footer = {"%nEnvironment:", "  RINGCACHE_PD   default for --pd (else " + RingctlMain.DEFAULT_PD + ")"})
public final class RingctlMain implements Callable<Integer> {

    static final String DEFAULT_PD = "127.0.0.1:9090";
    static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_ONE_SHOT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofMinutes(10);

    /** Output formats of {@code --output}. */
    enum Output { table, json }

    final RingctlEnv env;

    @Option(names = "--pd", scope = ScopeType.INHERIT, split = ",", paramLabel = "HOST:PORT",
            converter = HostPortConverter.class,
            description = "PD members' gRPC addresses; any member will do, ringctl follows the leader "
                    + "(default: $RINGCACHE_PD, else " + DEFAULT_PD + ").")
    List<String> pd;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "table|json",
            description = "Output format: table (for people, the default) or json (stable, for scripts).")
    Output output = Output.table;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the command may take, e.g. 30s, 10m (default: 10s; 10m for commands that wait: "
                    + "rebalance, drain, --wait).")
    Duration timeout;

    @Option(names = "--poll-interval", scope = ScopeType.INHERIT, hidden = true, converter = DurationConverter.class,
            description = "How often waiting commands poll the PD.")
    Duration pollInterval = Duration.ofSeconds(1);

    public RingctlMain(RingctlEnv env) {
        this.env = env;
    }

    public static void main(String[] args) {
        quietJavaLogging();
        System.exit(commandLine(RingctlEnv.system()).execute(args));
    }

    /** The configured command line; {@code execute(args)} runs a command and returns its exit code. */
    public static CommandLine commandLine(RingctlEnv env) {
        CommandLine cl = new CommandLine(new RingctlMain(env));
        cl.setOut(env.out());
        cl.setErr(env.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
            env.err().println("ringctl: " + Fmt.oneLine(ex.getMessage()) + " (see '" + cmd + " --help')");
            env.err().flush();
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            int code;
            String message;
            if (ex instanceof RingctlException r) {
                code = r.exitCode();
                message = r.getMessage();
            } else if (ex instanceof StatusRuntimeException s) {
                code = ExitCodes.REFUSED;
                message = "PD error: " + s.getStatus().getCode() + " " + Fmt.oneLine(s.getStatus().getDescription());
            } else if (ex instanceof InterruptedException) {
                code = ExitCodes.REFUSED;
                message = "interrupted";
            } else {
                code = ExitCodes.REFUSED;
                message = "unexpected error: " + ex;
            }
            env.out().flush();
            env.err().println("ringctl: " + Fmt.oneLine(message));
            env.err().flush();
            return code;
        });
        return cl;
    }

    @Override
    public Integer call() {
        env.err().println("ringctl: missing command (see 'ringctl --help')");
        return ExitCodes.USAGE;
    }

    /** The PD addresses: --pd, else $RINGCACHE_PD, else the default. */
    List<String> pdAddresses() {
        if (pd != null && !pd.isEmpty()) {
            return pd;
        }
        String fromEnv = env.environment().get("RINGCACHE_PD");
        if (fromEnv != null && !fromEnv.isBlank()) {
            List<String> out = new ArrayList<>();
            for (String a : fromEnv.split(",")) {
                try {
                    out.add(HostPortConverter.check(a.strip()));
                } catch (TypeConversionException e) {
                    throw new RingctlException(ExitCodes.USAGE, "RINGCACHE_PD: " + e.getMessage());
                }
            }
            return out;
        }
        return List.of(DEFAULT_PD);
    }

    private static final List<Logger> QUIETED = new ArrayList<>();

    /** gRPC logs through java.util.logging; a CLI shows its own one-line errors instead. */
    private static void quietJavaLogging() {
        for (String name : new String[] {"io.grpc", "io.netty", "io.grpc.netty.shaded"}) {
            Logger l = Logger.getLogger(name);
            l.setLevel(Level.OFF);
            QUIETED.add(l);
        }
    }

    /** Checks {@code host:port} (IPv6 hosts in brackets). */
    static final class HostPortConverter implements ITypeConverter<String> {
        private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9_.-]+):(\\d{1,5})$");

        @Override
        public String convert(String value) {
            return check(value.strip());
        }

        static String check(String value) {
            Matcher m = HOST_PORT.matcher(value);
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT");
            }
            return value;
        }
    }

    /** 500ms, 30s, 10m, 2h, 1d, a bare number of seconds, or ISO-8601 (PT10M). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("^(\\d+)(ms|s|m|h|d)?$");

        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(v);
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                };
            } else {
                try {
                    d = Duration.parse(value.strip().toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 30s, 10m, 1h)");
                }
            }
            if (d.isNegative() || d.isZero()) {
                throw new TypeConversionException("'" + value + "' is not a positive duration");
            }
            return d;
        }
    }

    /** The version from the jar's Maven metadata. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = null;
            try (InputStream in = RingctlMain.class.getResourceAsStream(
                    "/META-INF/maven/io.ringcache/ringcache-placement-driver/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    version = p.getProperty("version");
                }
            } catch (java.io.IOException ignored) {
                // fall through
            }
            if (version == null) {
                version = RingctlMain.class.getPackage().getImplementationVersion();
            }
            return new String[] {"ringctl " + (version == null ? "(development build)" : version)};
        }
    }
}
