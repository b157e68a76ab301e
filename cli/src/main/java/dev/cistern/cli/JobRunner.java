package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Starts a server job (clean, verify) and polls it to the end, drawing a progress bar on stderr when it is a
 * terminal. The server keeps running the job if the CLI is interrupted (Ctrl-C): stopping the CLI does not
 * stop the job, so it then prints how to cancel it. {@code --no-wait} returns at once.
 */
final class JobRunner {
    private final Session session;
    private final CliEnvironment env;
    private final long pollMillis;

    JobRunner(Session session, CliEnvironment env, long pollMillis) {
        this.session = session;
        this.env = env;
        this.pollMillis = pollMillis;
    }

    /**
     * Starts the job at {@code path} with {@code body} (null: none); returns its final state, or the started one
     * if {@code wait} is false.
     */
    JsonNode run(String path, Object body, boolean wait) {
        JsonNode job = session.post(path, body);
        if (!wait) return job;
        long id = job.get("id").asLong();
        String url = "api/v1/jobs/" + id;
        boolean bar = env.tty();
        Thread onCtrlC = Thread.ofPlatform().unstarted(() -> {
            env.err().println();
            env.err().println("cistern: " + keepsRunning(id));
            env.err().flush();
        });
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            while (job.get("state").asText().equals("running")) {
                if (bar) draw(env.err(), job);
                sleep(id);
                job = session.get(url);
            }
        } finally {
            removeHook(onCtrlC);
        }
        if (bar) {
            draw(env.err(), job);
            env.err().println();
        }
        return job;
    }

    /** Throws, as one line, if the job failed or was cancelled; a succeeded or still running job passes. */
    static void requireNotStopped(JsonNode job) {
        String what = job.get("kind").asText() + " job " + job.get("id").asLong();
        switch (job.get("state").asText()) {
            case "failed" -> throw new CliException(CliException.FAILED, what + " failed: " + job.get("error").asText());
            case "cancelled" -> throw new CliException(CliException.FAILED, what + " was cancelled"
                    + (job.hasNonNull("cancelledBy") ? " by " + job.get("cancelledBy").asText() : "") + ": "
                    + job.get("error").asText());
            default -> { }
        }
    }

    /** "ID STATE" for the report of a job waited for, the state named as {@code cistern job list} names it. */
    static String outcome(JsonNode job) {
        return job.get("id").asText() + " " + JobCommand.state(job);
    }

    /** What to tell a user who stopped waiting for job {@code id}. */
    static String keepsRunning(long id) {
        return "job " + id + " keeps running on the server; follow it with 'cistern job show " + id
                + "', stop it with 'cistern job cancel " + id + "'";
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran: it printed the hint
        }
    }

    private void sleep(long id) {
        try {
            Thread.sleep(pollMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.FAILED, "interrupted; " + keepsRunning(id));
        }
    }

    static void draw(PrintStream err, JsonNode job) {
        double pct = job.get("percent").asDouble();
        int filled = (int) Math.round(pct / 100 * 30);
        err.print(String.format(Locale.ROOT, "\r%s [%s%s] %5.1f%% %-20s", job.get("kind").asText(),
                "#".repeat(filled), " ".repeat(30 - filled), pct, job.get("phase").asText()));
        err.flush();
    }
}
