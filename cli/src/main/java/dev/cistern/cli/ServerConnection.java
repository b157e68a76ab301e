package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One server as the CLI reaches it: the URL, the certificate pin from the session store, and trust on first
 * use. Only a successful login (a token came back) pins an unpinned server's certificate, and says so on
 * stderr: not a failed or foreign answer, which could come from anything listening there. A later
 * different certificate is refused by {@link CertificatePin}, and a saved token is only ever sent to the
 * pinned certificate (or with --insecure).
 */
final class ServerConnection {
    private final CisternCli cli;
    private final String url;
    private final SessionStore store;
    private final ApiClient client;
    private final boolean firstUse;
    /** Whether a certificate fingerprint is pinned for this URL (saved, or given in CISTERN_FINGERPRINT). */
    private final boolean hasPin;
    /** A fingerprint given in CISTERN_FINGERPRINT (for scripts on fresh machines), used when none is saved. */
    private final String explicitPin;

    /** @param repin forget the pinned certificate and trust the one the server presents now */
    ServerConnection(CisternCli cli, boolean repin) {
        this.cli = cli;
        this.url = cli.serverUrl();
        this.store = new SessionStore(cli.env.configDir());
        String pinned = repin ? null : store.get(url).fingerprint();
        this.explicitPin = pinned == null ? normalize(cli.env.get("CISTERN_FINGERPRINT")) : null;
        if (explicitPin != null) pinned = explicitPin;
        this.firstUse = pinned == null && !cli.insecure;
        this.hasPin = pinned != null;
        this.client = new ApiClient(url, new CertificatePin(pinned, cli.insecure));
    }

    /** "ab:cd..." or "ABCD..." → "AB:CD:..."; null stays null. */
    static String normalize(String fingerprint) {
        if (fingerprint == null) return null;
        String hex = fingerprint.replace(":", "").trim().toUpperCase(java.util.Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new CliException(CliException.USAGE, "CISTERN_FINGERPRINT '" + fingerprint
                    + "' is not a SHA-256 fingerprint (64 hex digits, colons optional)");
        }
        return hex.replaceAll("(..)(?!$)", "$1:");
    }

    String url() {
        return url;
    }

    SessionStore store() {
        return store;
    }

    JsonNode send(String method, String path, Object body, String token) {
        try {
            return client.send(method, path, body, token);
        } catch (CliException e) {
            if (explicitPin != null && client.pin().mismatch()) {
                throw new CliException(CliException.UNREACHABLE, "the certificate of " + url + " has SHA-256 "
                        + client.pin().seen() + ", not the " + explicitPin + " given in CISTERN_FINGERPRINT; refusing to connect");
            }
            throw e;
        }
    }

    /** After a successful login to an unpinned server: pins the certificate it presented. */
    void trustAfterLogin() {
        String seen = client.pin().seen();
        if (!firstUse || seen == null || seen.equals(store.get(url).fingerprint())) return;
        store.update(url, e -> e.withFingerprint(seen));
        cli.env.err().println("cistern: trusting the certificate of " + url + " from now on (SHA-256 " + seen
                + "); compare it with 'Certificate SHA-256' in the server's output");
    }

    /**
     * Refuses to send a saved token to a server whose certificate is not pinned (the token was saved by a
     * login with --insecure): whatever answers at that address would get it.
     */
    void requirePinnedForToken() {
        if (firstUse) {
            throw new CliException(CliException.UNREACHABLE, "no certificate is pinned for " + url + " (the login was"
                    + " --insecure): pass --insecure again, or run 'cistern login' to pin the server's certificate");
        }
    }

    /** Whether the certificate is pinned now: saved, given, or just trusted after this login. */
    boolean pinned() {
        return hasPin || store.get(url).fingerprint() != null;
    }
}
