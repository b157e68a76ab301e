package dev.cistern.vtl.library;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.StreamWriter;
import dev.cistern.vtl.media.TapeFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where every cartridge is, persisted as the entry {@link TapeFormat#LIBRARY_STATE}: a small text
 * stream, replaced atomically (create + commit) after each move, so a restart finds the library as the
 * last acknowledged move left it. Format {@code CSTLIB1}, one line per full element
 * ({@code E address barcode source imported}) and per cartridge outside the library ({@code V barcode}).
 */
final class LibraryState {
    private static final String MAGIC = "CSTLIB1";

    /** Full elements by address. */
    final Map<Integer, Element> full = new TreeMap<>();
    /** Cartridges exported from the library (in the vault). */
    final TreeSet<String> vault = new TreeSet<>();

    static LibraryState load(ContainerHandle c, Map<Integer, ElementType> layout) {
        LibraryState s = new LibraryState();
        if (c.stat(TapeFormat.LIBRARY_STATE).isEmpty()) return s;
        var f = c.openFile(TapeFormat.LIBRARY_STATE);
        ByteBuffer b = ByteBuffer.allocate((int) f.size());
        while (b.hasRemaining() && f.read(b.position(), b) > 0) {
            // read it all
        }
        f.close();
        String[] lines = new String(b.array(), StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || !MAGIC.equals(lines[0])) {
            throw new IllegalStateException("library state of '" + c.info().name() + "' has an unknown format");
        }
        for (int i = 1; i < lines.length; i++) {
            String[] f2 = lines[i].split(" ");
            if (f2[0].equals("E")) {
                int addr = Integer.parseInt(f2[1]);
                ElementType t = layout.get(addr);
                if (t == null) { // the library shrank: the cartridge leaves it
                    s.vault.add(f2[2]);
                    continue;
                }
                s.full.put(addr, new Element(t, addr, f2[2], Integer.parseInt(f2[3]), Boolean.parseBoolean(f2[4])));
            } else if (f2[0].equals("V")) {
                s.vault.add(f2[1]);
            }
        }
        return s;
    }

    void save(ContainerHandle c) {
        List<String> lines = new ArrayList<>();
        lines.add(MAGIC);
        for (Element e : full.values()) {
            lines.add("E " + e.address() + " " + e.barcode() + " " + e.source() + " " + e.imported());
        }
        for (String v : vault) lines.add("V " + v);
        byte[] b = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        try (StreamWriter w = c.create(TapeFormat.LIBRARY_STATE)) {
            w.write(b, 0, b.length);
            w.commit(Map.of("format", MAGIC));
        }
    }
}
