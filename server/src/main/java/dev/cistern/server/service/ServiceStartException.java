package dev.cistern.server.service;

/** A service could not be started at server start; the message names it and says why. */
public class ServiceStartException extends RuntimeException {
    public ServiceStartException(String serviceName, Throwable cause) {
        super("service '" + serviceName + "' failed to start: " + describe(cause), cause);
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
