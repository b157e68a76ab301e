package dev.cistern.server.service;

/**
 * One long-running part of the server: the engine, the REST API, a protocol front end, a scheduler.
 * The {@link ServiceRegistry} starts services in the order they were added and stops them in reverse;
 * the {@link ServiceWatcher} polls {@link #health()} and restarts a service that reports
 * {@link Health.Status#DOWN}.
 *
 * <p>Contract: {@link #start()} either leaves the service running or throws and leaves nothing running;
 * {@link #stop()} is idempotent, never throws and may be called on a service that failed to start;
 * after {@link #stop()} a service can be started again (the watcher restarts by stop-then-start).
 */
public interface Service {

    /** Short stable name shown in system info and logs ("engine", "http", "iscsi"). */
    String name();

    void start() throws Exception;

    void stop();

    /** Cheap, non-blocking check of whether the service works; called every few seconds. */
    Health health();

    /**
     * Names of services this one holds objects of (a front end built on the engine instance of its start):
     * when one of them fails, the watcher stops this service too and restarts it only after they run again.
     * Services that look their dependencies up per use (the REST API) need not declare them.
     */
    default java.util.List<String> dependsOn() {
        return java.util.List.of();
    }
}
