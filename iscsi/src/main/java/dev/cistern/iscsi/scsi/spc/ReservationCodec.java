package dev.cistern.iscsi.scsi.spc;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * On-disk form of persistent reservation state: UTF-8 lines, first line the versioned magic
 * {@code cistern-pr 1}, then {@code generation N}, {@code aptpl 0|1}, one {@code reg <key-hex> <port>}
 * per registration and at most one {@code res <type> <port>}. Text, because it is tiny and an admin
 * may want to read it when a cluster node is fenced.
 */
final class ReservationCodec {
    static final String MAGIC = "cistern-pr 1";

    record State(Map<String, Long> registrations, int generation, String holder, int type, boolean aptpl) {
    }

    private ReservationCodec() {
    }

    static byte[] encode(State s) {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("generation ").append(Integer.toUnsignedString(s.generation())).append('\n');
        sb.append("aptpl ").append(s.aptpl() ? 1 : 0).append('\n');
        for (Map.Entry<String, Long> e : s.registrations().entrySet()) {
            sb.append("reg ").append(Long.toHexString(e.getValue())).append(' ').append(e.getKey()).append('\n');
        }
        if (s.holder() != null) sb.append("res ").append(s.type()).append(' ').append(s.holder()).append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes saved state; an empty blob is the initial state. Unknown versions are refused loudly. */
    static State decode(byte[] blob) {
        Map<String, Long> regs = new LinkedHashMap<>();
        if (blob == null || blob.length == 0) return new State(regs, 0, null, 0, false);
        String[] lines = new String(blob, StandardCharsets.UTF_8).split("\n");
        if (!lines[0].equals(MAGIC)) {
            throw new IllegalStateException("persistent reservation state has unknown format '" + lines[0] + "'");
        }
        int gen = 0;
        String holder = null;
        int type = 0;
        boolean aptpl = false;
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(" ", 3);
            switch (f[0]) {
                case "generation" -> gen = Integer.parseUnsignedInt(f[1]);
                case "aptpl" -> aptpl = f[1].equals("1");
                case "reg" -> regs.put(f[2], Long.parseUnsignedLong(f[1], 16));
                case "res" -> {
                    type = Integer.parseInt(f[1]);
                    holder = f[2];
                }
                default -> { } // lines of newer minor revisions are skipped
            }
        }
        return new State(regs, gen, holder, type, aptpl);
    }
}
