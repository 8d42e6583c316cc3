package io.ringcache.placement.app.ringctl;

import io.ringcache.placement.api.Argon2Secrets;
import io.ringcache.placement.core.access.AccessChange;
import io.ringcache.placement.core.access.AccessToken;
import io.ringcache.proto.v1.AccessTable;
import io.ringcache.proto.v1.AccessTokenInfo;
import io.ringcache.proto.v1.AccessUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ringctl user ...}: users of a cluster with auth. Passwords are hashed here (Argon2id) and
 * tokens digested here: neither the placement driver nor its log ever sees one in clear.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "Manages users: add, delete, passwd, grant-role, revoke-role, token, revoke-tokens, list.",
        subcommands = {UserCommand.Add.class, UserCommand.Delete.class, UserCommand.Passwd.class, UserCommand.GrantRole.class,
            UserCommand.RevokeRole.class, UserCommand.Token.class, UserCommand.RevokeTokens.class, UserCommand.ListUsers.class})
final class UserCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("ringctl: missing user command (see 'ringctl user --help')");
        return ExitCodes.USAGE;
    }

    /** The new password: from --new-password-file, else asked twice on the terminal; none with --no-password. */
    static final class NewPassword {
        @Option(names = "--new-password-file", paramLabel = "FILE",
                description = "A file whose first line is the new password ('-': standard input); else ringctl asks.")
        String file;

        @Option(names = "--no-password", description = "No password: the user signs in with a token or a client certificate.")
        boolean none;

        String hash() {
            if (none) {
                if (file != null) {
                    throw new RingctlException(ExitCodes.USAGE, "--no-password and --new-password-file contradict each other");
                }
                return "";
            }
            String password;
            if (file != null) {
                password = Secrets.firstLine(file, "password");
            } else {
                password = Secrets.prompt("new password: ");
                if (!password.equals(Secrets.prompt("again: "))) {
                    throw new RingctlException(ExitCodes.USAGE, "the passwords differ");
                }
            }
            if (password.length() < 8) {
                throw new RingctlException(ExitCodes.USAGE, "a password has at least 8 characters");
            }
            return Argon2Secrets.hash(password);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a user (with a password unless --no-password).")
    static final class Add extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @picocli.CommandLine.Mixin
        NewPassword password = new NewPassword();

        @Override
        AccessChange change() {
            return new AccessChange.AddUser(user, password.hash());
        }

        @Override
        String done() {
            return "added user " + user;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a user (its tokens go with it).")
    static final class Delete extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        AccessChange change() {
            return new AccessChange.DeleteUser(user);
        }

        @Override
        String done() {
            return "deleted user " + user;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Sets a user's password (or removes it: --no-password).")
    static final class Passwd extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @picocli.CommandLine.Mixin
        NewPassword password = new NewPassword();

        @Override
        AccessChange change() {
            return new AccessChange.SetPassword(user, password.hash());
        }

        @Override
        String done() {
            return "changed the password of user " + user;
        }
    }

    @Command(name = "grant-role", mixinStandardHelpOptions = true, description = "Gives a user a role.")
    static final class GrantRole extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Parameters(index = "1", paramLabel = "ROLE")
        String role;

        @Override
        AccessChange change() {
            return new AccessChange.GrantRole(user, role);
        }

        @Override
        String done() {
            return "granted role " + role + " to user " + user;
        }
    }

    @Command(name = "revoke-role", mixinStandardHelpOptions = true, description = "Takes a role from a user.")
    static final class RevokeRole extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Parameters(index = "1", paramLabel = "ROLE")
        String role;

        @Override
        AccessChange change() {
            return new AccessChange.RevokeRole(user, role);
        }

        @Override
        String done() {
            return "revoked role " + role + " from user " + user;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Issues a bearer token for a user and prints it, once: keep it in a file for --token-file.")
    static final class Token extends PdCommand {
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Option(names = "--ttl", paramLabel = "DURATION", converter = RingctlMain.DurationConverter.class,
                description = "How long the token is valid, e.g. 30d, 12h (default: until revoked).")
        Duration ttl;

        @Override
        int run(PdClient pd) {
            String token = Argon2Secrets.newToken();
            long expires = ttl == null || ttl.isZero() ? 0 : now() + ttl.toMillis();
            pd.changeAccess(io.ringcache.placement.api.AccessTableProtos.request(new AccessChange.AddToken(user,
                    new AccessToken(new Argon2Secrets().tokenDigest(token), now(), expires))));
            if (json()) {
                printJson(Json.obj("user", user, "token", token, "expires_unix_ms", expires));
            } else {
                out().println(token);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke-tokens", mixinStandardHelpOptions = true, description = "Revokes every token of a user.")
    static final class RevokeTokens extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        AccessChange change() {
            return new AccessChange.RevokeTokens(user);
        }

        @Override
        String done() {
            return "revoked the tokens of user " + user;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists users: roles, password, tokens.")
    static final class ListUsers extends PdCommand {
        @Override
        int run(PdClient pd) {
            AccessTable t = pd.access();
            if (json()) {
                List<Object> users = new ArrayList<>();
                for (AccessUser u : t.getUsersList()) {
                    List<Object> tokens = new ArrayList<>();
                    for (AccessTokenInfo tok : u.getTokensList()) {
                        tokens.add(Json.obj("created_unix_ms", tok.getCreatedUnixMs(), "expires_unix_ms", tok.getExpiresUnixMs()));
                    }
                    users.add(Json.obj("name", u.getName(), "roles", u.getRolesList(), "password", u.getHasPassword(),
                            "tokens", tokens));
                }
                printJson(Json.obj("auth", t.getEnabled(), "revision", t.getRevision(), "users", users));
                return ExitCodes.OK;
            }
            Table table = new Table().col("USER").col("ROLES").col("PASSWORD").num("TOKENS");
            for (AccessUser u : t.getUsersList()) {
                table.row(u.getName(), String.join(",", u.getRolesList()), u.getHasPassword() ? "yes" : "no",
                        u.getTokensCount());
            }
            table.print(out());
            return ExitCodes.OK;
        }
    }
}
