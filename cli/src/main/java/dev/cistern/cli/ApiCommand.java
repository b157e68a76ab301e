package dev.cistern.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

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
        try (Session s = Session.open(cli())) {
            return run(s);
        }
    }

    /** Does the work; returns the exit code. */
    abstract int run(Session session);
}
