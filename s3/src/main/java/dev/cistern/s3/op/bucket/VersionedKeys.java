package dev.cistern.s3.op.bucket;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EntryInfo;
import dev.cistern.s3.store.ObjectNames;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The keys under a prefix that have a current version ({@code o/KEY}) or noncurrent versions
 * ({@code v/KEY\u0001ID}), in key order, each once: a lazy merge of the two name ranges, read a page at a
 * time, so a listing of the first thousand versions reads about a thousand entries however big the
 * bucket is. Keys compare as UTF-8 bytes, the engine's name order; U+0001 sorts below every character
 * a key may contain, so a key's versions come before those of any longer key it prefixes.
 */
final class VersionedKeys implements Iterator<String> {
    private static final int PAGE = 1000;

    private final Cursor current;
    private final Cursor noncurrent;
    private String next;

    /** Keys after {@code marker} (or from {@code marker} on when {@code inclusive}). */
    VersionedKeys(ContainerHandle h, String prefix, String marker, boolean inclusive) {
        String oAfter = marker == null ? null : ObjectNames.OBJECTS + marker;
        String vAfter = marker == null ? null : ObjectNames.VERSIONS + marker + (inclusive ? "" : ObjectNames.VERSION_SEP + "\uffff");
        current = new Cursor(h, ObjectNames.OBJECTS, prefix, oAfter, false);
        noncurrent = new Cursor(h, ObjectNames.VERSIONS, prefix, vAfter, true);
        // the cursors start after the marker; when resuming inside the marker's versions, it comes first
        if (inclusive && marker != null && (h.stat(ObjectNames.current(marker)).isPresent()
                || !h.list(ObjectNames.versionsOf(marker), null, 1).isEmpty())) {
            next = marker;
        }
        advance(marker);
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public String next() {
        if (next == null) throw new NoSuchElementException();
        String k = next;
        next = null;
        advance(k);
        return k;
    }

    private void advance(String last) {
        if (next != null) return;
        while (true) {
            String a = current.peek();
            String b = noncurrent.peek();
            if (a == null && b == null) return;
            String k = a == null ? b : b == null ? a : compare(a, b) <= 0 ? a : b;
            if (k.equals(a)) current.take();
            if (k.equals(b)) noncurrent.take();
            if (last == null || compare(k, last) > 0) {
                next = k;
                return;
            }
        }
    }

    static int compare(String x, String y) {
        return Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
    }

    /** Keys of one name range, a page at a time; for noncurrent versions, each key once. */
    private static final class Cursor {
        private final ContainerHandle h;
        private final String kind;
        private final String prefix;
        private final boolean versions;
        private String after;
        private List<EntryInfo> page = List.of();
        private int i;
        private boolean done;
        private String lastKey;

        Cursor(ContainerHandle h, String kind, String prefix, String after, boolean versions) {
            this.h = h;
            this.kind = kind;
            this.prefix = prefix;
            this.after = after;
            this.versions = versions;
        }

        String peek() {
            while (true) {
                if (i < page.size()) {
                    String name = page.get(i).name().substring(kind.length());
                    String key = versions ? name.substring(0, name.lastIndexOf(ObjectNames.VERSION_SEP)) : name;
                    if (key.equals(lastKey)) {
                        i++;
                        continue;
                    }
                    return key;
                }
                if (done) return null;
                page = h.list(kind + prefix, after, PAGE);
                i = 0;
                if (page.size() < PAGE) done = true;
                if (!page.isEmpty()) after = page.getLast().name();
            }
        }

        void take() {
            lastKey = peek();
            i++;
        }
    }
}
