package dev.cistern.vtl;

import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.iscsi.LunDefinition;
import dev.cistern.iscsi.ReservationStore;
import dev.cistern.vtl.library.Element;
import dev.cistern.vtl.library.Library;
import dev.cistern.vtl.library.LibraryConfig;
import dev.cistern.vtl.media.Cartridge;
import dev.cistern.vtl.smc.Changer;
import dev.cistern.vtl.smc.ChangerModel;
import dev.cistern.vtl.ssc.DriveModel;
import dev.cistern.vtl.ssc.TapeDrive;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VTL's API for the server's REST layer and CLI: libraries are containers of protocol "vtl"; the
 * live {@link Library} of each is opened once per engine and shared by its iSCSI LUNs and these calls,
 * so a cartridge moved through REST is seen at once by the changer. Errors are {@link EngineException}s
 * naming the library and cartridge.
 */
public final class TapeLibraries {
    public static final String PROTOCOL = "vtl";
    private static final Map<Engine, Map<String, Library>> OPEN = new IdentityHashMap<>();

    private TapeLibraries() {
    }

    /** Creates a library container from {@code vtl.drives}, {@code vtl.slots}, {@code vtl.mailslots}, {@code vtl.drive-model}. */
    public static ContainerInfo create(Engine engine, String group, String name, Map<String, String> properties) {
        Map<String, String> p = new HashMap<>(properties == null ? Map.of() : properties);
        p.putAll(LibraryConfig.fromProperties(p).toProperties());
        return engine.createContainer(group, new ContainerSpec(name, PROTOCOL, p));
    }

    /** The live library of a container (opened on first use). */
    public static Library library(Engine engine, String container) {
        synchronized (OPEN) {
            Map<String, Library> m = OPEN.computeIfAbsent(engine, k -> new HashMap<>());
            Library lib = m.get(container);
            if (lib == null) {
                ContainerInfo info = engine.container(container);
                if (!PROTOCOL.equals(info.protocol())) {
                    throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "container '" + container
                            + "' is a " + info.protocol() + " container, not a tape library");
                }
                lib = new Library(engine.openContainer(container), LibraryConfig.fromProperties(info.properties()),
                        Clock.systemUTC());
                m.put(container, lib);
            }
            return lib;
        }
    }

    /** The LUNs a library exports: the changer at LUN 0, drive i at LUN i+1. */
    public static List<LunDefinition> luns(Engine engine, String container) {
        Library lib = library(engine, container);
        List<LunDefinition> out = new ArrayList<>();
        Changer changer = Changer.of(lib);
        out.add(LunDefinition.ofDevice(0, ReservationStore.inMemory(), (n, res) -> ChangerModel.unit(n, changer, res)));
        List<TapeDrive> drives = lib.drives();
        for (int i = 0; i < drives.size(); i++) {
            TapeDrive d = drives.get(i);
            out.add(LunDefinition.ofDevice(i + 1, ReservationStore.inMemory(), (n, res) -> DriveModel.unit(n, d, res)));
        }
        return out;
    }

    /** Adds a blank cartridge of the native capacity of the library's drive model (LTO-5 1.5 TB, LTO-6 2.5 TB). */
    public static CartridgeInfo addCartridge(Engine engine, String container, String barcode) {
        long nativeBytes = library(engine, container).config().driveModel().nativeCapacityMb() * 1_000_000L;
        return addCartridge(engine, container, barcode, nativeBytes);
    }

    public static CartridgeInfo addCartridge(Engine engine, String container, String barcode, long capacityBytes) {
        library(engine, container).addCartridge(barcode, capacityBytes);
        return cartridge(engine, container, barcode);
    }

    public static List<CartridgeInfo> listCartridges(Engine engine, String container) {
        Library lib = library(engine, container);
        List<CartridgeInfo> out = new ArrayList<>();
        for (Cartridge c : lib.cartridges().list()) out.add(info(lib, c));
        return out;
    }

    public static CartridgeInfo cartridge(Engine engine, String container, String barcode) {
        Library lib = library(engine, container);
        return info(lib, lib.cartridges().require(barcode));
    }

    /** Moves the cartridge to the element at {@code toAddress} (as MOVE MEDIUM would). */
    public static CartridgeInfo moveCartridge(Engine engine, String container, String barcode, int toAddress) {
        Library lib = library(engine, container);
        lib.cartridges().require(barcode); // NOT_FOUND for a barcode the library never had
        Element at = lib.locate(barcode);
        if (at == null) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "cartridge " + barcode
                    + " is outside library '" + container + "': import it first");
        }
        try {
            lib.move(at.address(), toAddress);
        } catch (dev.cistern.vtl.library.MoveException e) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "cannot move " + barcode + ": "
                    + e.getMessage());
        }
        return info(lib, lib.cartridges().require(barcode));
    }

    public static CartridgeInfo exportCartridge(Engine engine, String container, String barcode) {
        Library lib = library(engine, container);
        lib.exportCartridge(barcode);
        return info(lib, lib.cartridges().require(barcode));
    }

    public static CartridgeInfo importCartridge(Engine engine, String container, String barcode) {
        Library lib = library(engine, container);
        lib.importCartridge(barcode);
        return info(lib, lib.cartridges().require(barcode));
    }

    public static CartridgeInfo setWriteProtected(Engine engine, String container, String barcode, boolean wp) {
        Library lib = library(engine, container);
        if (lib.locate(barcode) != null && lib.locate(barcode).type() == dev.cistern.vtl.library.ElementType.DATA_TRANSFER) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, barcode + " is in a drive");
        }
        lib.cartridges().setWriteProtected(barcode, wp);
        return info(lib, lib.cartridges().require(barcode));
    }

    public static void deleteCartridge(Engine engine, String container, String barcode) {
        library(engine, container).deleteCartridge(barcode);
    }

    /** Closes the live library of a container (before the container is deleted or the engine closes). */
    public static void close(Engine engine, String container) {
        synchronized (OPEN) {
            Map<String, Library> m = OPEN.get(engine);
            Library lib = m == null ? null : m.remove(container);
            if (lib != null) lib.close();
        }
    }

    /** Closes every library of an engine. */
    public static void closeAll(Engine engine) {
        synchronized (OPEN) {
            Map<String, Library> m = OPEN.remove(engine);
            if (m != null) m.values().forEach(Library::close);
        }
    }

    private static CartridgeInfo info(Library lib, Cartridge c) {
        Element e = lib.locate(c.barcode());
        String where = e == null ? "exported" : switch (e.type()) {
            case STORAGE -> "slot";
            case DATA_TRANSFER -> "drive";
            case IMPORT_EXPORT -> "mailslot";
            case TRANSPORT -> "transport";
        };
        return new CartridgeInfo(c.barcode(), c.capacity(), lib.cartridges().usedBytes(c.barcode()), c.writeProtected(),
                where, e == null ? -1 : e.address());
    }
}
