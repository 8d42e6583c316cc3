package io.ringcache.placement.core.access;

/**
 * Turns the credentials a front door found into a {@link Principal}, against the current
 * {@link AccessTable}. The order is fixed: a member's certificate (the cluster itself), then a
 * user name with its password, then a bearer token, then a client certificate whose common
 * name is a user's name, else anonymous. Credentials that name someone and fail are refused,
 * never quietly taken as anonymous, so a client learns its password is wrong.
 */
public final class Authenticator {

    private final SecretCheck secrets;

    public Authenticator(SecretCheck secrets) {
        this.secrets = secrets;
    }

    /** The outcome of checking one request's credentials. */
    public sealed interface Authentication {
    }

    public record Accepted(Principal principal) implements Authentication {
    }

    /** @param reason what a client is told; names no secret */
    public record Refused(String reason) implements Authentication {
    }

    public Authentication authenticate(AccessTable table, Credentials c, long nowMillis) {
        if (c.member()) {
            return new Accepted(Principal.MEMBER);
        }
        if (!c.user().isEmpty()) {
            User user = table.users().get(c.user());
            boolean ok = user != null && user.hasPassword() && secrets.passwordMatches(user.passwordHash(), c.password());
            return ok ? new Accepted(Principal.user(user.name()))
                    : new Refused("invalid username-password pair or user is disabled");
        }
        if (!c.token().isEmpty()) {
            return table.tokenOwner(secrets.tokenDigest(c.token()), nowMillis)
                    .<Authentication>map(owner -> new Accepted(Principal.user(owner)))
                    .orElseGet(() -> new Refused("invalid or expired token"));
        }
        if (!c.certificateName().isEmpty() && table.users().containsKey(c.certificateName())) {
            return new Accepted(Principal.user(c.certificateName()));
        }
        return new Accepted(Principal.ANONYMOUS);
    }
}
