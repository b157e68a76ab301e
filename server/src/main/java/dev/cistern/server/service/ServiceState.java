package dev.cistern.server.service;

/** Life cycle of a registered service as the registry sees it. */
public enum ServiceState {
    NEW, STARTING, RUNNING,
    /** Failed to start or reported DOWN; the watcher will try again after a backoff. */
    FAILED,
    STOPPED
}
