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
            TransferLeaderCommand.class, SplitCommand.class, DrainCommand.class, RemoveStoreCommand.class, HotCommand.class,
            UserCommand.class, RoleCommand.class, AuthCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success.",
            "1:The PD refused the request (bad shard, store or operator; precondition not met), or an operation "
                    + "ringctl waited for failed or was cancelled.",
            "2:Usage error.",
            "3:PD unreachable, or it has no leader.",
            "4:--timeout elapsed while waiting (the operators keep running in the PD)."},
        footer = {"%nEnvironment:", "  RINGCACHE_PD   default for --pd (else " + RingctlMain.DEFAULT_PD + ")",
            "  RINGCACHE_USER, RINGCACHE_PASSWORD, RINGCACHE_TOKEN_FILE   sign-in defaults (--user, --token-file)",
            "  RINGCACHE_TLS_CA, RINGCACHE_TLS_CERT, RINGCACHE_TLS_KEY    TLS defaults (--tls-*)"})
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

    @Option(names = "--tls-ca", scope = ScopeType.INHERIT, paramLabel = "PEM",
            description = "The cluster CA bundle: talk TLS to the PD and stores, checking their certificates "
                    + "(default: $RINGCACHE_TLS_CA; plaintext when neither is set).")
    String tlsCa;

    @Option(names = "--tls-cert", scope = ScopeType.INHERIT, paramLabel = "PEM",
            description = "A client certificate to present, for clusters that require one (default: $RINGCACHE_TLS_CERT).")
    String tlsCert;

    @Option(names = "--tls-key", scope = ScopeType.INHERIT, paramLabel = "PEM",
            description = "The client certificate's key (default: $RINGCACHE_TLS_KEY).")
    String tlsKey;

    @Option(names = "--user", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Sign in as this user (clusters with auth on); the password comes from --password-file, "
                    + "else $RINGCACHE_PASSWORD, else a prompt (default: $RINGCACHE_USER).")
    String user;

    @Option(names = "--password-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "A file whose first line is --user's password ('-': standard input).")
    String passwordFile;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Sign in with the bearer token in this file, from 'ringctl user token' (default: $RINGCACHE_TOKEN_FILE).")
    String tokenFile;

    /** Loaded on first use, closed when the command ends. */
    private io.ringcache.transport.TransportTls tls;

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

    /** A flag's value, else the environment's, else null. */
    private String flagOrEnv(String flag, String variable) {
        String v = flag != null ? flag : env.environment().get(variable);
        return v == null || v.isBlank() ? null : v;
    }

    /** TLS from --tls-* or RINGCACHE_TLS_*, or null for plaintext; a wrong file is a usage error. */
    synchronized io.ringcache.transport.TransportTls tls() {
        String ca = flagOrEnv(tlsCa, "RINGCACHE_TLS_CA");
        String cert = flagOrEnv(tlsCert, "RINGCACHE_TLS_CERT");
        String key = flagOrEnv(tlsKey, "RINGCACHE_TLS_KEY");
        if (tls == null && (ca != null || cert != null || key != null)) {
            if (ca == null) {
                throw new RingctlException(ExitCodes.USAGE, "TLS needs --tls-ca (or RINGCACHE_TLS_CA), the cluster's CA bundle");
            }
            try {
                tls = io.ringcache.transport.TransportTls.load(cert == null ? null : java.nio.file.Path.of(cert),
                        key == null ? null : java.nio.file.Path.of(key), java.nio.file.Path.of(ca),
                        io.ringcache.transport.TransportTls.ClientAuth.OPTIONAL, io.ringcache.transport.TransportTls.DEFAULT_RELOAD);
            } catch (IllegalArgumentException e) {
                throw new RingctlException(ExitCodes.USAGE, e.getMessage());
            }
        }
        return tls;
    }

    /**
     * The {@code authorization} every call carries: Basic for --user (or $RINGCACHE_USER), Bearer
     * for --token-file (or $RINGCACHE_TOKEN_FILE); null when neither is given.
     */
    String authorization() {
        String name = flagOrEnv(user, "RINGCACHE_USER");
        String tokens = flagOrEnv(tokenFile, "RINGCACHE_TOKEN_FILE");
        if (name != null && tokens != null) {
            throw new RingctlException(ExitCodes.USAGE, "sign in with --user or with --token-file, not both");
        }
        if (tokens != null) {
            return io.ringcache.placement.api.AuthorizationHeader.bearer(Secrets.firstLine(tokens, "token"));
        }
        if (name == null) {
            return null;
        }
        if (name.isEmpty() || name.indexOf(':') >= 0) {
            throw new RingctlException(ExitCodes.USAGE, "a user name is not empty and has no ':'");
        }
        String password = passwordFile != null ? Secrets.firstLine(passwordFile, "password")
                : env.environment().get("RINGCACHE_PASSWORD") != null ? env.environment().get("RINGCACHE_PASSWORD")
                : Secrets.prompt("password for " + name + ": ");
        return io.ringcache.placement.api.AuthorizationHeader.basic(name, password);
    }

    /** Opens channels to PD members: TLS when configured, else the environment's (plaintext) factory. */
    java.util.function.Function<String, io.grpc.ManagedChannel> channelFactory() {
        io.ringcache.transport.TransportTls t = tls();
        return t == null ? env.channelFactory() : address -> io.grpc.Grpc.newChannelBuilder("dns:///" + address,
                t.channelCredentials()).userAgent("ringctl").maxInboundMessageSize(64 << 20).build();
    }

    /** An HTTP client for stores' HTTP API: HTTPS checking their certificates when TLS is configured. */
    java.net.http.HttpClient httpClient() {
        io.ringcache.transport.TransportTls t = tls();
        java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        return (t == null ? b : b.sslContext(t.sslContext(false))).build();
    }

    /** The scheme of stores' HTTP API: https when TLS is configured. */
    String httpScheme() {
        return tls() == null ? "http" : "https";
    }

    /** Ends TLS reloading (the command is over). */
    synchronized void closeTls() {
        if (tls != null) {
            tls.close();
            tls = null;
        }
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
