package io.ringcache.placement.app.ringctl;

import io.ringcache.placement.core.access.AccessChange;
import io.ringcache.proto.v1.AccessTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code ringctl auth enable|disable|status}. Auth is off in a new cluster (development only: any
 * client may then read and write every key). Turning it on needs TLS with member names and a user
 * holding a role with admin; from then on every request must sign in.
 */
@Command(name = "auth", mixinStandardHelpOptions = true, description = "Turns authentication on or off, or shows it.",
        subcommands = {AuthCommand.Enable.class, AuthCommand.Disable.class, AuthCommand.Status.class})
final class AuthCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("ringctl: missing auth command (see 'ringctl auth --help')");
        return ExitCodes.USAGE;
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "Turns auth on: every request must then sign in (user and password, token, or client certificate).")
    static final class Enable extends AccessChangeCommand {
        @Override
        AccessChange change() {
            return new AccessChange.Enable();
        }

        @Override
        String done() {
            return "auth enabled";
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Turns auth off: anyone who reaches a port may read and write every key (development only).")
    static final class Disable extends AccessChangeCommand {
        @Override
        AccessChange change() {
            return new AccessChange.Disable();
        }

        @Override
        String done() {
            return "auth disabled";
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows whether auth is on, and how many users and roles exist.")
    static final class Status extends PdCommand {
        @Override
        int run(PdClient pd) {
            AccessTable t = pd.access();
            if (json()) {
                printJson(Json.obj("auth", t.getEnabled(), "revision", t.getRevision(), "users", t.getUsersCount(),
                        "roles", t.getRolesCount()));
            } else {
                out().println("auth " + (t.getEnabled() ? "enabled" : "disabled") + ": " + t.getUsersCount() + " user(s), "
                        + t.getRolesCount() + " role(s), access revision " + t.getRevision());
            }
            return ExitCodes.OK;
        }
    }
}
