package dev.cistern.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cistern logout}: revokes the saved token on the server and forgets it; the certificate pin stays. */
@Command(name = "logout", mixinStandardHelpOptions = true, description = "Revoke and forget the saved token.")
final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CisternCli cli = (CisternCli) spec.parent().userObject();
        ServerConnection conn = new ServerConnection(cli, false);
        SessionStore.Entry e = conn.store().get(conn.url());
        if (e.token() == null) {
            say(cli, conn.url(), false, "Not logged in to " + conn.url());
            return 0;
        }
        conn.requirePinnedForToken();
        try {
            conn.send("POST", "api/v1/logout", null, e.token());
        } catch (CliException failed) {
            // unreachable: keep the token, which still works, so that a later logout can revoke it; refused
            // (expired, revoked): it works nowhere any more, so forget it
            if (failed.exitCode() == CliException.UNREACHABLE || !failed.getMessage().endsWith("[HTTP 401]")) throw failed;
        }
        conn.store().update(conn.url(), x -> x.withToken(null, null, null));
        say(cli, conn.url(), true, "Logged out of " + conn.url());
        return 0;
    }

    private static void say(CisternCli cli, String url, boolean loggedOut, String line) {
        Output out = new Output(cli.env.out(), cli.json);
        if (out.json()) out.printJson(CliJson.MAPPER.createObjectNode().put("server", url).put("loggedOut", loggedOut));
        else out.line(line);
    }
}
