package io.ringcache.placement.api;

import com.google.protobuf.ByteString;
import io.ringcache.placement.core.access.AccessChange;
import io.ringcache.placement.core.access.AccessToken;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.placement.core.access.KeyPermission;
import io.ringcache.placement.core.access.Role;
import io.ringcache.placement.core.access.User;
import io.ringcache.proto.v1.AccessAction;
import io.ringcache.proto.v1.AccessRole;
import io.ringcache.proto.v1.AccessTokenInfo;
import io.ringcache.proto.v1.AccessUser;
import io.ringcache.proto.v1.ChangeAccessRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access table and its changes on the wire: in the placement log and snapshots, in the
 * heartbeat replies that bring it to stores (with hashes, which stores check passwords against),
 * and in {@code GetAccess} replies to operators ({@link #view}: without hashes or digests).
 */
public final class AccessTableProtos {

    private AccessTableProtos() {
    }

    public static io.ringcache.proto.v1.AccessTable toProto(AccessTable t) {
        io.ringcache.proto.v1.AccessTable.Builder out = io.ringcache.proto.v1.AccessTable.newBuilder()
                .setRevision(t.revision()).setEnabled(t.enabled());
        for (User u : t.users().values()) {
            AccessUser.Builder b = AccessUser.newBuilder().setName(u.name()).setPasswordHash(u.passwordHash())
                    .addAllRoles(u.roles()).setHasPassword(u.hasPassword());
            for (AccessToken tok : u.tokens()) {
                b.addTokens(AccessTokenInfo.newBuilder().setDigest(tok.digest()).setCreatedUnixMs(tok.createdMillis())
                        .setExpiresUnixMs(tok.expiresMillis()));
            }
            out.addUsers(b);
        }
        for (Role r : t.roles().values()) {
            AccessRole.Builder b = AccessRole.newBuilder().setName(r.name()).setAdmin(r.admin());
            for (KeyPermission p : r.keys()) {
                b.addKeys(io.ringcache.proto.v1.KeyPermission.newBuilder().setPrefix(ByteString.copyFrom(p.prefix()))
                        .setRead(p.read()).setWrite(p.write()));
            }
            out.addRoles(b);
        }
        return out.build();
    }

    /** The table without secrets, for operators: no password hash, no token digest. */
    public static io.ringcache.proto.v1.AccessTable view(AccessTable t) {
        io.ringcache.proto.v1.AccessTable.Builder out = toProto(t).toBuilder();
        for (AccessUser.Builder u : out.getUsersBuilderList()) {
            u.setPasswordHash("");
            for (AccessTokenInfo.Builder tok : u.getTokensBuilderList()) {
                tok.setDigest("");
            }
        }
        return out.build();
    }

    public static AccessTable fromProto(io.ringcache.proto.v1.AccessTable p) {
        Map<String, User> users = new LinkedHashMap<>();
        for (AccessUser u : p.getUsersList()) {
            List<AccessToken> tokens = new ArrayList<>();
            for (AccessTokenInfo t : u.getTokensList()) {
                tokens.add(new AccessToken(t.getDigest(), t.getCreatedUnixMs(), t.getExpiresUnixMs()));
            }
            users.put(u.getName(), new User(u.getName(), u.getPasswordHash(), new HashSet<>(u.getRolesList()), tokens));
        }
        Map<String, Role> roles = new LinkedHashMap<>();
        for (AccessRole r : p.getRolesList()) {
            List<KeyPermission> keys = new ArrayList<>();
            for (io.ringcache.proto.v1.KeyPermission k : r.getKeysList()) {
                if (k.getRead() || k.getWrite()) {
                    keys.add(new KeyPermission(k.getPrefix().toByteArray(), k.getRead(), k.getWrite()));
                }
            }
            roles.put(r.getName(), new Role(r.getName(), r.getAdmin(), keys));
        }
        return new AccessTable(p.getRevision(), p.getEnabled(), users, roles);
    }

    /** The change a request asks for; IllegalArgumentException when it names no valid change. */
    public static AccessChange change(ChangeAccessRequest r) {
        return switch (r.getAction()) {
            case ACCESS_ACTION_ENABLE -> new AccessChange.Enable();
            case ACCESS_ACTION_DISABLE -> new AccessChange.Disable();
            case ACCESS_ACTION_ADD_USER -> new AccessChange.AddUser(r.getUser(), r.getPasswordHash());
            case ACCESS_ACTION_DELETE_USER -> new AccessChange.DeleteUser(r.getUser());
            case ACCESS_ACTION_SET_PASSWORD -> new AccessChange.SetPassword(r.getUser(), r.getPasswordHash());
            case ACCESS_ACTION_GRANT_ROLE -> new AccessChange.GrantRole(r.getUser(), r.getRole());
            case ACCESS_ACTION_REVOKE_ROLE -> new AccessChange.RevokeRole(r.getUser(), r.getRole());
            case ACCESS_ACTION_ADD_TOKEN -> new AccessChange.AddToken(r.getUser(),
                    new AccessToken(r.getTokenDigest(), 0, r.getTokenExpiresUnixMs()));
            case ACCESS_ACTION_REVOKE_TOKENS -> new AccessChange.RevokeTokens(r.getUser());
            case ACCESS_ACTION_ADD_ROLE -> new AccessChange.AddRole(r.getRole());
            case ACCESS_ACTION_DELETE_ROLE -> new AccessChange.DeleteRole(r.getRole());
            case ACCESS_ACTION_GRANT_KEYS -> {
                if (!r.getRead() && !r.getWrite()) {
                    throw new IllegalArgumentException("a key permission grants read, write or both");
                }
                yield new AccessChange.GrantKeys(r.getRole(), new KeyPermission(r.getPrefix().toByteArray(), r.getRead(),
                        r.getWrite()));
            }
            case ACCESS_ACTION_REVOKE_KEYS -> new AccessChange.RevokeKeys(r.getRole(), r.getPrefix().toByteArray());
            case ACCESS_ACTION_GRANT_ADMIN -> new AccessChange.GrantAdmin(r.getRole());
            case ACCESS_ACTION_REVOKE_ADMIN -> new AccessChange.RevokeAdmin(r.getRole());
            default -> throw new IllegalArgumentException("unknown access action " + r.getActionValue());
        };
    }

    /** The request that asks for {@code c} (ringctl's side). */
    public static ChangeAccessRequest request(AccessChange c) {
        ChangeAccessRequest.Builder r = ChangeAccessRequest.newBuilder();
        if (c instanceof AccessChange.Enable) {
            r.setAction(AccessAction.ACCESS_ACTION_ENABLE);
        } else if (c instanceof AccessChange.Disable) {
            r.setAction(AccessAction.ACCESS_ACTION_DISABLE);
        } else if (c instanceof AccessChange.AddUser x) {
            r.setAction(AccessAction.ACCESS_ACTION_ADD_USER).setUser(x.user()).setPasswordHash(x.passwordHash());
        } else if (c instanceof AccessChange.DeleteUser x) {
            r.setAction(AccessAction.ACCESS_ACTION_DELETE_USER).setUser(x.user());
        } else if (c instanceof AccessChange.SetPassword x) {
            r.setAction(AccessAction.ACCESS_ACTION_SET_PASSWORD).setUser(x.user()).setPasswordHash(x.passwordHash());
        } else if (c instanceof AccessChange.GrantRole x) {
            r.setAction(AccessAction.ACCESS_ACTION_GRANT_ROLE).setUser(x.user()).setRole(x.role());
        } else if (c instanceof AccessChange.RevokeRole x) {
            r.setAction(AccessAction.ACCESS_ACTION_REVOKE_ROLE).setUser(x.user()).setRole(x.role());
        } else if (c instanceof AccessChange.AddToken x) {
            r.setAction(AccessAction.ACCESS_ACTION_ADD_TOKEN).setUser(x.user()).setTokenDigest(x.token().digest())
                    .setTokenExpiresUnixMs(x.token().expiresMillis());
        } else if (c instanceof AccessChange.RevokeTokens x) {
            r.setAction(AccessAction.ACCESS_ACTION_REVOKE_TOKENS).setUser(x.user());
        } else if (c instanceof AccessChange.AddRole x) {
            r.setAction(AccessAction.ACCESS_ACTION_ADD_ROLE).setRole(x.role());
        } else if (c instanceof AccessChange.DeleteRole x) {
            r.setAction(AccessAction.ACCESS_ACTION_DELETE_ROLE).setRole(x.role());
        } else if (c instanceof AccessChange.GrantKeys x) {
            r.setAction(AccessAction.ACCESS_ACTION_GRANT_KEYS).setRole(x.role())
                    .setPrefix(ByteString.copyFrom(x.permission().prefix())).setRead(x.permission().read())
                    .setWrite(x.permission().write());
        } else if (c instanceof AccessChange.RevokeKeys x) {
            r.setAction(AccessAction.ACCESS_ACTION_REVOKE_KEYS).setRole(x.role()).setPrefix(ByteString.copyFrom(x.prefix()));
        } else if (c instanceof AccessChange.GrantAdmin x) {
            r.setAction(AccessAction.ACCESS_ACTION_GRANT_ADMIN).setRole(x.role());
        } else if (c instanceof AccessChange.RevokeAdmin x) {
            r.setAction(AccessAction.ACCESS_ACTION_REVOKE_ADMIN).setRole(x.role());
        }
        return r.build();
    }
}
