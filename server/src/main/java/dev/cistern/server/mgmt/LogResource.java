package dev.cistern.server.mgmt;

import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.api.Resource;
import dev.cistern.server.http.api.Resources;
import dev.cistern.server.logs.ServiceLogs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's logs over the API, for {@code cistern logs} and the UI's download (admins and operators: logs
 * name users and objects). {@code GET /logs} lists the files; {@code GET /logs/{name}?lines=N} returns the last N
 * lines and the offset reached, and {@code ?offset=X} what was written after X, so a client follows a log by
 * polling with the offset it got. A file that shrank was rotated: reading starts again at its beginning.
 */
final class LogResource implements Resource {
    static final int MAX_LINES = 10_000;
    static final int MAX_CHUNK = 1 << 20;

    record LogFile(String name, long sizeBytes, Instant modifiedAt) {
    }

    record LogText(String name, long offset, String text) {
    }

    private final Path dir;

    LogResource(Path dir) {
        this.dir = dir;
    }

    static List<String> names() {
        List<String> n = new ArrayList<>();
        n.add("cistern");
        n.addAll(ServiceLogs.FILES.keySet());
        return n;
    }

    @Override
    public void register(Router r) {
        r.add("GET", Resources.BASE + "/logs", Access.WRITE, req -> {
            List<LogFile> files = new ArrayList<>();
            for (String n : names()) {
                Path p = dir.resolve(n + ".log");
                if (Files.exists(p)) files.add(new LogFile(n, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
            }
            return Response.ok(files);
        });
        r.add("GET", Resources.BASE + "/logs/{name}", Access.WRITE, this::read);
    }

    private Response read(ApiRequest req) throws IOException {
        String name = req.param("name");
        if (!names().contains(name)) throw ApiException.notFound("no log '" + name + "'; logs are " + names());
        Path file = dir.resolve(name + ".log");
        if (!Files.exists(file)) return Response.ok(new LogText(name, 0, ""));
        String off = req.query("offset");
        if (off != null) {
            long offset = number("offset", off, 0, Long.MAX_VALUE);
            return Response.ok(from(file, name, offset));
        }
        String l = req.query("lines");
        int lines = l == null ? 100 : (int) number("lines", l, 1, MAX_LINES);
        return Response.ok(tail(file, name, lines));
    }

    private static LogText from(Path file, String name, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            long start = offset > size ? 0 : offset;
            int n = (int) Math.min(MAX_CHUNK, size - start);
            byte[] b = new byte[n];
            f.seek(start);
            f.readFully(b);
            return new LogText(name, start + n, new String(b, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log " + file + ": " + e.getMessage(), e);
        }
    }

    private static LogText tail(Path file, String name, int lines) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            long start = Math.max(0, size - MAX_CHUNK);
            byte[] b = new byte[(int) (size - start)];
            f.seek(start);
            f.readFully(b);
            String[] all = new String(b, StandardCharsets.UTF_8).split("\n", -1);
            int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
            // a read that starts mid-file starts mid-line: never show that partial first line
            int from = Math.max(start > 0 ? 1 : 0, end - lines);
            StringBuilder text = new StringBuilder();
            for (int i = from; i < end; i++) text.append(all[i]).append('\n');
            return new LogText(name, size, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log " + file + ": " + e.getMessage(), e);
        }
    }

    private static long number(String what, String text, long min, long max) {
        try {
            long v = Long.parseLong(text);
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid " + what + " '" + text + "': use a whole number from " + min
                + (max == Long.MAX_VALUE ? "" : " to " + max));
    }
}
