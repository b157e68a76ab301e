package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One server as the CLI reaches it: the URL, the certificate pin from the session store, and trust on first
 * use. The first successful exchange with an unpinned server pins its certificate (and says so on stderr); a
 * later different certificate is refused by {@link CertificatePin}.
 */
final class ServerConnection {
    private final CisternCli cli;
    private final String url;
    private final SessionStore store;
    private final ApiClient client;
    private final boolean firstUse;
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
        JsonNode r;
        try {
            r = client.send(method, path, body, token);
        } catch (CliException e) {
            if (explicitPin != null && client.pin().mismatch()) {
                throw new CliException(CliException.UNREACHABLE, "the certificate of " + url + " has SHA-256 "
                        + client.pin().seen() + ", not the " + explicitPin + " given in CISTERN_FINGERPRINT; refusing to connect");
            }
            pinIfFirstUse();
            throw e;
        }
        pinIfFirstUse();
        return r;
    }

    private void pinIfFirstUse() {
        String seen = client.pin().seen();
        if (!firstUse || seen == null || seen.equals(store.get(url).fingerprint())) return;
        store.put(url, store.get(url).withFingerprint(seen));
        cli.env.err().println("cistern: trusting the certificate of " + url + " from now on (SHA-256 " + seen
                + "); compare it with 'Certificate SHA-256' in the server's output");
    }
}
