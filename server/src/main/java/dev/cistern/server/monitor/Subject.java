package dev.cistern.server.monitor;

import dev.cistern.server.http.ApiException;

import java.util.regex.Pattern;

/**
 * What a series is about: the whole server, one storage group or one container. Its {@link #fileName()} is the
 * round-robin database that holds it; engine names are restricted to [a-z0-9.-], so they are safe in file names.
 */
public record Subject(Kind kind, String name) {
    public enum Kind { SERVER, GROUP, CONTAINER }

    public static final Subject SERVER = new Subject(Kind.SERVER, "server");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public static Subject group(String name) {
        return new Subject(Kind.GROUP, name);
    }

    public static Subject container(String name) {
        return new Subject(Kind.CONTAINER, name);
    }

    /** From the REST query: at most one of storageGroup and container; neither means the whole server. */
    public static Subject of(String storageGroup, String container) {
        if (storageGroup != null && container != null) {
            throw ApiException.badRequest("give 'storageGroup' or 'container', not both");
        }
        if (storageGroup != null) return checked(group(storageGroup));
        if (container != null) return checked(container(container));
        return SERVER;
    }

    private static Subject checked(Subject s) {
        if (!NAME.matcher(s.name).matches() || s.name.contains("..")) {
            throw ApiException.badRequest("invalid " + s.label() + " name '" + s.name + "'");
        }
        return s;
    }

    public String label() {
        return switch (kind) {
            case SERVER -> "server";
            case GROUP -> "storage group";
            case CONTAINER -> "container";
        };
    }

    public String fileName() {
        return switch (kind) {
            case SERVER -> "server.rrd";
            case GROUP -> "group-" + name + ".rrd";
            case CONTAINER -> "container-" + name + ".rrd";
        };
    }
}
