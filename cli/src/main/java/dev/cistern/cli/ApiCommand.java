package dev.cistern.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/** A command that talks to the server with a {@link Session}. */
abstract class ApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    CisternCli cli() {
        CommandSpec s = spec;
        while (s.parent() != null) s = s.parent();
        return (CisternCli) s.userObject();
    }

    Output out() {
        return new Output(cli().env.out(), cli().json);
    }

    @Override
    public Integer call() {
        checkSecrets();
        try (Session s = Session.open(cli())) {
            return run(s);
        }
    }

    /**
     * Fails before the server is contacted if a secret the command needs has no source ({@link Secrets#requireSource}):
     * a usage error is reported as one, not after a login.
     */
    void checkSecrets() {
    }

    /** Does the work; returns the exit code. */
    abstract int run(Session session);

    /**
     * Starts job {@code kind} ({@code clean}, {@code verify}) on the server with {@code body} (null: none) and,
     * unless {@code noWait}, waits for it with a progress bar; prints the job as JSON, or says it started when
     * not waiting.
     */
    JsonNode startJob(Session s, String kind, Object body, boolean noWait) {
        JsonNode job = new JobRunner(s, cli().env, 500).run("api/v1/" + kind, body, !noWait);
        Output out = out();
        if (out.json()) {
            out.printJson(job);
        } else if (noWait) {
            long id = job.get("id").asLong();
            out.line("Started " + kind + " as job " + id + " (see 'cistern job show " + id + "')");
        }
        return job;
    }

    /** Deletes the resource at {@code path}; says {@code done} unless JSON was asked for (then prints nothing). */
    int delete(Session s, String path, String done) {
        s.delete(path);
        if (out().json()) out().printJson(CliJson.MAPPER.createObjectNode().put("deleted", path));
        else out().line(done);
        return 0;
    }

    /**
     * Shows the resource at {@code path} with its stats: by {@code print} followed by the stats, or as JSON, the
     * resource's object as the API sends it with the stats added under "stats". Returns the resource.
     */
    JsonNode showWithStats(Session s, String path, BiConsumer<Output, JsonNode> print) {
        JsonNode r = s.get(path);
        JsonNode stats = s.get(path + "/stats");
        Output out = out();
        if (out.json()) {
            out.printJson(withStats(r, stats));
            return r;
        }
        print.accept(out, r);
        StatsCommand.printStats(out, stats);
        return r;
    }

    /** A copy of {@code resource} with {@code stats} under "stats" (a field of that name from the API is replaced). */
    static ObjectNode withStats(JsonNode resource, JsonNode stats) {
        ObjectNode o = ((ObjectNode) resource).deepCopy();
        o.set("stats", stats);
        return o;
    }
}
