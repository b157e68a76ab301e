package dev.cistern.s3.op.bucket;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EntryInfo;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import java.util.ArrayList;
import java.util.List;

/**
 * The walk behind ListObjects V1 and V2: current versions in key order, delete markers left out, keys
 * that share a prefix up to the delimiter rolled into one common prefix. After a common prefix the walk
 * jumps past every key that starts with it instead of reading them all.
 */
final class Listing {
    private static final int PAGE = 1000;

    record Item(String key, EntryInfo entry, ObjectMeta meta) {
    }

    /** @param last the last key or common prefix returned: where the next page starts */
    record Result(List<Item> items, List<String> prefixes, boolean truncated, String last) {
    }

    private Listing() {
    }

    static Result list(ContainerHandle h, String prefix, String delimiter, String startAfter, int maxKeys) {
        List<Item> items = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String after = startAfter == null || startAfter.isEmpty() ? null : ObjectNames.OBJECTS + startAfter;
        String last = null;
        boolean truncated = false;
        if (delimiter != null && delimiter.isEmpty()) delimiter = null;
        if (maxKeys == 0) return new Result(items, prefixes, false, null); // as S3 and RGW answer max-keys=0
        walk:
        while (true) {
            List<EntryInfo> page = h.list(ObjectNames.OBJECTS + prefix, after, PAGE);
            boolean jumped = false;
            for (EntryInfo e : page) {
                String key = e.name().substring(ObjectNames.OBJECTS.length());
                after = e.name();
                if (delimiter != null && !prefixes.isEmpty() && key.startsWith(prefixes.getLast())) continue;
                if (delimiter != null && startAfter != null && startAfter.endsWith(delimiter)
                        && startAfter.length() > prefix.length() && key.startsWith(startAfter)) {
                    continue; // a continuation after a common prefix: all of it was returned already
                }
                ObjectMeta meta = new ObjectMeta(e.attributes());
                if (meta.deleteMarker()) continue;
                int cut = delimiter == null ? -1 : key.indexOf(delimiter, prefix.length());
                if (cut >= 0) {
                    String cp = key.substring(0, cut + delimiter.length());
                    if (items.size() + prefixes.size() >= maxKeys) {
                        truncated = true;
                        break walk;
                    }
                    prefixes.add(cp);
                    last = cp;
                    after = ObjectNames.OBJECTS + cp + "\uffff";
                    jumped = true;
                    break;
                }
                if (items.size() + prefixes.size() >= maxKeys) {
                    truncated = true;
                    break walk;
                }
                items.add(new Item(key, e, meta));
                last = key;
            }
            if (!jumped && page.size() < PAGE) break;
        }
        return new Result(items, prefixes, truncated, last);
    }
}
