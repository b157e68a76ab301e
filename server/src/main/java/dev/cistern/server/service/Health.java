package dev.cistern.server.service;

/** What a service says about itself: UP works, DEGRADED works with a problem, DOWN needs a restart. */
public record Health(Status status, String message) {
    public enum Status { UP, DEGRADED, DOWN }

    public Health {
        if (status == null) throw new IllegalArgumentException("status");
        message = message == null ? "" : message;
    }

    public static Health up(String message) {
        return new Health(Status.UP, message);
    }

    public static Health degraded(String message) {
        return new Health(Status.DEGRADED, message);
    }

    public static Health down(String message) {
        return new Health(Status.DOWN, message);
    }
}
