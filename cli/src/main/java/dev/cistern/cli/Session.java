package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * An authenticated conversation with the server for one command. The token comes from
 * {@code CISTERN_USER}/{@code CISTERN_PASSWORD} (a short-lived login, revoked when the command ends) or from the
 * session saved by {@code cistern login}.
 */
final class Session implements AutoCloseable {
    static final long ENV_TOKEN_TTL_SECONDS = 600;

    private final ServerConnection conn;
    private String token;
    private final String user;
    private final boolean ephemeral;
    /** For a session from CISTERN_USER/CISTERN_PASSWORD: logs in again when its short-lived token expires. */
    private java.util.function.Supplier<String> relogin;

    private Session(ServerConnection conn, String token, String user, boolean ephemeral) {
        this.conn = conn;
        this.token = token;
        this.user = user;
        this.ephemeral = ephemeral;
    }

    static Session open(CisternCli cli) {
        ServerConnection conn = new ServerConnection(cli, false);
        String user = cli.env.get("CISTERN_USER");
        String password = cli.env.get("CISTERN_PASSWORD");
        if (user != null && password != null) {
            java.util.function.Supplier<String> login = () -> ApiClient.text(conn.send("POST", "api/v1/login",
                    Map.of("user", user, "password", password, "ttlSeconds", ENV_TOKEN_TTL_SECONDS), null), "token");
            String token = login.get();
            conn.trustAfterLogin();
            Session s = new Session(conn, token, user, true);
            s.relogin = login;
            return s;
        }
        SessionStore.Entry saved = conn.store().get(conn.url());
        if (saved.token() == null) {
            throw new CliException(CliException.FAILED, "not logged in to " + conn.url()
                    + ": run 'cistern login' or set CISTERN_USER and CISTERN_PASSWORD");
        }
        conn.requirePinnedForToken();
        return new Session(conn, saved.token(), saved.user(), false);
    }

    /** The user this session acts as (null if a saved login did not record it). */
    String user() {
        return user;
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * Sends with this session's token. A session from the environment whose token expired (a verify, a
     * clean or 'logs -f' longer than its lifetime) logs in again once and repeats the request.
     */
    private JsonNode send(String method, String path, Object body) {
        try {
            return conn.send(method, path, body, token);
        } catch (CliException e) {
            if (relogin == null || e.exitCode() != CliException.FAILED || !e.getMessage().endsWith("[HTTP 401]")) throw e;
            token = relogin.get();
            return conn.send(method, path, body, token);
        }
    }

    @Override
    public void close() {
        if (!ephemeral) return;
        try {
            conn.send("POST", "api/v1/logout", null, token);
        } catch (CliException e) {
            // the token expires on its own within minutes; the command's own outcome matters more
        }
    }
}
