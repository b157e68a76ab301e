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
    private final String token;
    private final String user;
    private final boolean ephemeral;

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
            JsonNode r = conn.send("POST", "api/v1/login",
                    Map.of("user", user, "password", password, "ttlSeconds", ENV_TOKEN_TTL_SECONDS), null);
            return new Session(conn, r.get("token").asText(), user, true);
        }
        SessionStore.Entry saved = conn.store().get(conn.url());
        if (saved.token() == null) {
            throw new CliException(CliException.FAILED, "not logged in to " + conn.url()
                    + ": run 'cistern login' or set CISTERN_USER and CISTERN_PASSWORD");
        }
        return new Session(conn, saved.token(), saved.user(), false);
    }

    /** The user this session acts as (null if a saved login did not record it). */
    String user() {
        return user;
    }

    JsonNode get(String path) {
        return conn.send("GET", path, null, token);
    }

    JsonNode post(String path, Object body) {
        return conn.send("POST", path, body, token);
    }

    JsonNode patch(String path, Object body) {
        return conn.send("PATCH", path, body, token);
    }

    JsonNode put(String path, Object body) {
        return conn.send("PUT", path, body, token);
    }

    JsonNode delete(String path) {
        return conn.send("DELETE", path, null, token);
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
