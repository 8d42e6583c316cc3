package io.ringcache.placement.core.access;

/**
 * What a front door found in a request: any of a user name and password (gRPC metadata, HTTP
 * Basic, RESP AUTH), a bearer token, and the TLS client certificate's common name with whether
 * that certificate is a cluster member's. Empty strings for what is absent. Secrets here are never
 * logged: {@link #toString()} hides them.
 */
public record Credentials(String user, String password, String token, String certificateName, boolean member) {

    public static final Credentials NONE = new Credentials("", "", "", "", false);

    public Credentials {
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        token = token == null ? "" : token;
        certificateName = certificateName == null ? "" : certificateName;
    }

    public static Credentials password(String user, String password) {
        return new Credentials(user, password, "", "", false);
    }

    public static Credentials token(String token) {
        return new Credentials("", "", token, "", false);
    }

    /** These credentials with the TLS peer's certificate added. */
    public Credentials withCertificate(String commonName, boolean isMember) {
        return new Credentials(user, password, token, commonName, isMember);
    }

    public boolean none() {
        return user.isEmpty() && token.isEmpty() && certificateName.isEmpty() && !member;
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=" + (password.isEmpty() ? "none" : "***") + ", token="
                + (token.isEmpty() ? "none" : "***") + ", certificate=" + certificateName + ", member=" + member + "]";
    }
}
