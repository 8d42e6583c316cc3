package io.ringcache.placement.app.ringctl;

import io.ringcache.placement.core.access.AccessChange;
import io.ringcache.placement.core.access.KeyPermission;
import io.ringcache.proto.v1.AccessRole;
import io.ringcache.proto.v1.AccessTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ringctl role ...}: roles, each a set of key permissions by prefix (read, write or
 * readwrite; etcd's model) and optionally admin (placement operations, users and roles, profiling).
 */
@Command(name = "role", mixinStandardHelpOptions = true,
        description = "Manages roles: add, delete, grant, revoke, list.",
        subcommands = {RoleCommand.Add.class, RoleCommand.Delete.class, RoleCommand.Grant.class, RoleCommand.Revoke.class,
            RoleCommand.ListRoles.class})
final class RoleCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("ringctl: missing role command (see 'ringctl role --help')");
        return ExitCodes.USAGE;
    }

    /** A prefix as given: UTF-8 text, or hex with {@code --hex}. */
    static byte[] prefix(String text, boolean hex) {
        if (!hex) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new RingctlException(ExitCodes.USAGE, "not a hex prefix: " + text);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a role without rights.")
    static final class Add extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "ROLE")
        String role;

        @Override
        AccessChange change() {
            return new AccessChange.AddRole(role);
        }

        @Override
        String done() {
            return "added role " + role;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a role and takes it from every user.")
    static final class Delete extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "ROLE")
        String role;

        @Override
        AccessChange change() {
            return new AccessChange.DeleteRole(role);
        }

        @Override
        String done() {
            return "deleted role " + role;
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = {"Grants a role rights: 'read|write|readwrite PREFIX' on every key starting with PREFIX "
                    + "('' for every key), or 'admin'.", "Examples: ringctl role grant app readwrite app/; "
                    + "ringctl role grant ops admin"})
    static final class Grant extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "ROLE")
        String role;
        @Parameters(index = "1", paramLabel = "read|write|readwrite|admin")
        String rights;
        @Parameters(index = "2", arity = "0..1", paramLabel = "PREFIX")
        String prefix;
        @Option(names = "--hex", description = "PREFIX is hex (binary keys).")
        boolean hex;

        @Override
        AccessChange change() {
            if (rights.equals("admin")) {
                if (prefix != null) {
                    throw new RingctlException(ExitCodes.USAGE, "admin takes no prefix");
                }
                return new AccessChange.GrantAdmin(role);
            }
            boolean read = rights.equals("read") || rights.equals("readwrite");
            boolean write = rights.equals("write") || rights.equals("readwrite");
            if (!read && !write) {
                throw new RingctlException(ExitCodes.USAGE, "rights are read, write, readwrite or admin, not " + rights);
            }
            if (prefix == null) {
                throw new RingctlException(ExitCodes.USAGE, "name the key PREFIX ('' for every key)");
            }
            return new AccessChange.GrantKeys(role, new KeyPermission(prefix(prefix, hex), read, write));
        }

        @Override
        String done() {
            return "granted role " + role + " " + rights + (prefix == null ? "" : " on "
                    + KeyPermission.printable(prefix(prefix, hex)));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes a role's permission on exactly PREFIX, or its admin: 'revoke ROLE PREFIX' or 'revoke ROLE admin'.")
    static final class Revoke extends AccessChangeCommand {
        @Parameters(index = "0", paramLabel = "ROLE")
        String role;
        @Parameters(index = "1", paramLabel = "PREFIX|admin")
        String what;
        @Option(names = "--hex", description = "PREFIX is hex (binary keys).")
        boolean hex;
        @Option(names = "--prefix", description = "Take 'admin' as a key prefix, not the admin right.")
        boolean literal;

        @Override
        AccessChange change() {
            return what.equals("admin") && !literal ? new AccessChange.RevokeAdmin(role)
                    : new AccessChange.RevokeKeys(role, prefix(what, hex));
        }

        @Override
        String done() {
            return "revoked " + (what.equals("admin") && !literal ? "admin" : "the permission on "
                    + KeyPermission.printable(prefix(what, hex))) + " from role " + role;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists roles and their rights.")
    static final class ListRoles extends PdCommand {
        @Override
        int run(PdClient pd) {
            AccessTable t = pd.access();
            if (json()) {
                List<Object> roles = new ArrayList<>();
                for (AccessRole r : t.getRolesList()) {
                    List<Object> keys = new ArrayList<>();
                    for (var k : r.getKeysList()) {
                        keys.add(Json.obj("prefix", KeyPermission.printable(k.getPrefix().toByteArray()),
                                "read", k.getRead(), "write", k.getWrite()));
                    }
                    roles.add(Json.obj("name", r.getName(), "admin", r.getAdmin(), "keys", keys));
                }
                printJson(Json.obj("auth", t.getEnabled(), "roles", roles));
                return ExitCodes.OK;
            }
            Table table = new Table().col("ROLE").col("ADMIN").col("KEYS");
            for (AccessRole r : t.getRolesList()) {
                List<String> keys = new ArrayList<>();
                for (var k : r.getKeysList()) {
                    keys.add(new KeyPermission(k.getPrefix().toByteArray(), k.getRead(), k.getWrite()).toString());
                }
                table.row(r.getName(), r.getAdmin() ? "yes" : "no", keys.isEmpty() ? "-" : String.join("; ", keys));
            }
            table.print(out());
            return ExitCodes.OK;
        }
    }
}
