package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cistern login}: gets a token and saves it, with the server's pinned certificate, for later commands. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Log in and save the token (and pin the server certificate on first use).")
final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--user"}, paramLabel = "NAME", description = "User name (default: $CISTERN_USER, else asked).")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Option(names = "--repin", description = "Trust the certificate the server presents now, replacing the pinned one.")
    boolean repin;

    @Option(names = "--ttl", paramLabel = "HOURS", defaultValue = "12", description = "Token lifetime in hours (default: ${DEFAULT-VALUE}).")
    long ttlHours;

    @Override
    public Integer call() {
        CisternCli cli = (CisternCli) spec.parent().userObject();
        CliEnvironment env = cli.env;
        if (ttlHours < 1 || ttlHours > 720) {
            throw new CliException(CliException.USAGE, "--ttl must be 1-720 hours (30 days at most), got " + ttlHours);
        }
        String name = user != null ? user : env.get("CISTERN_USER");
        if (name == null && env.console() != null) name = env.console().readLine("User: ");
        if (name == null || name.isBlank()) {
            throw new CliException(CliException.USAGE, "no user name" + (env.console() == null ? " and no terminal to ask for it" : "")
                    + ": use --user or set CISTERN_USER");
        }
        char[] password = passwordStdin || env.get("CISTERN_PASSWORD") == null
                ? new Secrets(env, "--password-stdin", "CISTERN_PASSWORD").read("password", passwordStdin, false) : env.get("CISTERN_PASSWORD").toCharArray();
        ServerConnection conn = new ServerConnection(cli, repin);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", name);
        body.put("password", password);
        body.put("ttlSeconds", ttlHours * 3600);
        JsonNode r = conn.send("POST", "api/v1/login", body, null);
        java.util.Arrays.fill(password, '\0');
        String token = ApiClient.text(r, "token");
        String expiresAt = ApiClient.text(r, "expiresAt");
        String role = ApiClient.text(r, "role");
        conn.trustAfterLogin();
        String who = name;
        conn.store().update(conn.url(), e -> e.withToken(token, who, expiresAt));
        if (!conn.pinned()) {
            env.err().println("cistern: the certificate of " + conn.url() + " is not pinned (--insecure): later commands"
                    + " need --insecure too, or log in without it to pin it");
        }
        Output out = new Output(env.out(), cli.json);
        if (out.json()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("token");
            out.printJson(r);
        } else {
            out.line("Logged in to " + conn.url() + " as " + name + " (" + role + ") until " + expiresAt);
        }
        return 0;
    }
}
