package dev.cistern.vtl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's tgt configured as a virtual tape library the way its README.vtl does: two tape drives at LUNs
 * 1 and 2, a changer at LUN 3 with transport, 16 storage slots, 2 import/export slots and the
 * cartridges CST001L5... in the first slots. tgtd runs in the foreground as our child on its own
 * control port, so it never touches another tgtd on the machine; {@link #close} stops it by its pid.
 */
final class TgtVtl implements AutoCloseable {
    static final String IQN = "iqn.2026-11.dev.cistern:tgtvtl";
    private final Process tgtd;
    private final int control;
    final int port;

    private TgtVtl(Process tgtd, int control, int port) {
        this.tgtd = tgtd;
        this.control = control;
        this.port = port;
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/tgtd")) && Files.isExecutable(Path.of("/usr/sbin/tgtadm"))
                && "root".equals(System.getProperty("user.name"));
    }

    static TgtVtl start(Path dir, int cartridges, int sizeMb, int port) throws Exception {
        int control = 100 + (int) (ProcessHandle.current().pid() % 800);
        for (int i = 1; i <= cartridges; i++) {
            String b = String.format("CST%03dL5", i);
            exec("tgtimg", "--op", "new", "--device-type", "tape", "--barcode", b, "--size", String.valueOf(sizeMb),
                    "--type", "data", "--file", dir.resolve(b).toString());
        }
        Files.write(dir.resolve("smc"), new byte[1024]);
        Process p = new ProcessBuilder("/usr/sbin/tgtd", "-C", String.valueOf(control), "-f", "--iscsi",
                "portal=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(dir.resolve("tgtd.log").toFile())
                .start();
        TgtVtl t = new TgtVtl(p, control, port);
        try {
            for (int i = 0; i < 50; i++) { // wait for its control socket
                if (t.tryAdm("--op", "show", "--mode", "target")) break;
                Thread.sleep(100);
            }
            t.adm("--op", "new", "--mode", "target", "--tid", "1", "-T", IQN);
            for (int lun = 1; lun <= 2; lun++) {
                t.adm("--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", String.valueOf(lun), "-b",
                        dir.resolve(String.format("CST%03dL5", lun)).toString(), "--device-type=tape");
                t.adm("--mode", "logicalunit", "--op", "update", "--tid", "1", "--lun", String.valueOf(lun), "--params",
                        "online=0");
            }
            String lu = "3";
            t.adm("--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", lu, "-b", dir.resolve("smc").toString(),
                    "--device-type=changer");
            t.params(lu, "media_home=" + dir);
            t.params(lu, "element_type=4,start_address=1,quantity=2");
            t.params(lu, "element_type=4,address=1,tid=1,lun=1");
            t.params(lu, "element_type=4,address=2,tid=1,lun=2");
            t.params(lu, "element_type=1,start_address=3,quantity=1");
            t.params(lu, "element_type=2,start_address=4,quantity=16");
            t.params(lu, "element_type=3,start_address=20,quantity=2");
            for (int i = 1; i <= cartridges; i++) {
                t.params(lu, "element_type=2,address=" + (3 + i) + ",barcode=" + String.format("CST%03dL5", i) + ",sides=1");
            }
            t.adm("--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL");
            return t;
        } catch (Exception e) {
            t.close();
            throw e;
        }
    }

    private void params(String lun, String params) throws Exception {
        adm("--mode", "logicalunit", "--op", "update", "--tid", "1", "--lun", lun, "--params", params);
    }

    private void adm(String... args) throws Exception {
        if (!tryAdm(args)) throw new IOException("tgtadm " + String.join(" ", args) + " failed");
    }

    private boolean tryAdm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/tgtadm", "-C", String.valueOf(control), "--lld", "iscsi"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
    }

    @Override
    public void close() throws Exception {
        tgtd.destroyForcibly(); // tgtd ignores SIGTERM while it has targets; its state lives in our temp dir
        tgtd.waitFor(10, TimeUnit.SECONDS);
    }
}
