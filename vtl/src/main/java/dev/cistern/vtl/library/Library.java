package dev.cistern.vtl.library;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.vtl.media.Cartridge;
import dev.cistern.vtl.media.CartridgeStore;
import dev.cistern.vtl.ssc.TapeDrive;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One virtual tape library, live: its elements (transport, drives, import/export and storage slots),
 * which cartridge is where, and its drives. The changer (SMC) and the REST API both move cartridges
 * through {@link #move}; every move is persisted before it is acknowledged. Lock order: library, then
 * drive.
 */
public final class Library implements AutoCloseable {
    private final ContainerHandle container;
    private final LibraryConfig config;
    private final CartridgeStore cartridges;
    private final Clock clock;
    private final Map<Integer, ElementType> layout = new TreeMap<>();
    private final List<TapeDrive> drives = new ArrayList<>();
    private final LibraryState state;
    private final String serialBase;
    private boolean preventRemoval;

    public Library(ContainerHandle container, LibraryConfig config, Clock clock) {
        this.container = container;
        this.config = config;
        this.cartridges = new CartridgeStore(container);
        this.clock = clock;
        this.serialBase = String.format("CST%04d", container.info().id() % 10000);
        layout.put(LibraryConfig.TRANSPORT, ElementType.TRANSPORT);
        for (int i = 0; i < config.drives(); i++) {
            int addr = LibraryConfig.FIRST_DRIVE + i;
            layout.put(addr, ElementType.DATA_TRANSFER);
            drives.add(new TapeDrive(config.driveModel(), serialBase + String.format("%03d", i + 1), addr,
                    cartridges::open));
        }
        for (int i = 0; i < config.mailslots(); i++) layout.put(LibraryConfig.FIRST_MAILSLOT + i, ElementType.IMPORT_EXPORT);
        for (int i = 0; i < config.slots(); i++) layout.put(LibraryConfig.FIRST_SLOT + i, ElementType.STORAGE);
        this.state = LibraryState.load(container, layout);
        for (Element e : state.full.values()) {
            if (e.type() == ElementType.DATA_TRANSFER) drive(e.address()).insert(e.barcode());
        }
    }

    public String name() {
        return container.info().name();
    }

    public LibraryConfig config() {
        return config;
    }

    public String changerSerial() {
        return serialBase + "L70";
    }

    public List<TapeDrive> drives() {
        return List.copyOf(drives);
    }

    public CartridgeStore cartridges() {
        return cartridges;
    }

    /** Every element in address order, full or empty. */
    public synchronized List<Element> elements() {
        List<Element> out = new ArrayList<>();
        for (var e : layout.entrySet()) {
            Element full = state.full.get(e.getKey());
            out.add(full != null ? full : new Element(e.getValue(), e.getKey(), null, -1, false));
        }
        return out;
    }

    public synchronized Element element(int address) {
        ElementType t = layout.get(address);
        if (t == null) return null;
        Element full = state.full.get(address);
        return full != null ? full : new Element(t, address, null, -1, false);
    }

    /** Where a cartridge is: an element, or null when it is outside the library (exported). */
    public synchronized Element locate(String barcode) {
        for (Element e : state.full.values()) if (e.barcode().equals(barcode)) return e;
        return null;
    }

    public synchronized void setPreventRemoval(boolean prevent) {
        this.preventRemoval = prevent;
    }

    public synchronized boolean preventRemoval() {
        return preventRemoval;
    }

    /** MOVE MEDIUM: from a full element to an empty one; a loaded drive is unloaded first (autoload libraries). */
    public synchronized void move(int from, int to) {
        Element src = element(from);
        Element dst = element(to);
        if (src == null || dst == null || src.type() == ElementType.TRANSPORT || dst.type() == ElementType.TRANSPORT) {
            throw new MoveException(MoveException.INVALID_ELEMENT, "no element at address " + (src == null ? from : to)
                    + " of library '" + name() + "' that can hold a cartridge");
        }
        if (!src.full()) throw new MoveException(MoveException.SOURCE_EMPTY, "element " + from + " is empty");
        if (from == to) return;
        if (dst.full()) {
            throw new MoveException(MoveException.DESTINATION_FULL, "element " + to + " already holds " + dst.barcode());
        }
        if (src.type() == ElementType.DATA_TRANSFER) {
            TapeDrive d = drive(from);
            if (d.removalPrevented()) {
                throw new MoveException(MoveException.REMOVAL_PREVENTED, "drive " + d.serial()
                        + " prevents medium removal");
            }
            d.eject();
        }
        if (dst.type() == ElementType.DATA_TRANSFER) drive(to).insert(src.barcode());
        int source = src.type() == ElementType.DATA_TRANSFER ? src.source() : from;
        state.full.remove(from);
        state.full.put(to, dst.with(src.barcode(), source, false));
        state.save(container);
    }

    /** Creates a cartridge in the first empty storage slot (or outside the library when all are full). */
    public synchronized Cartridge addCartridge(String barcode, long capacity) {
        Cartridge c = cartridges.add(new Cartridge(barcode, capacity, false), clock.millis());
        Integer slot = firstEmpty(ElementType.STORAGE);
        if (slot != null) state.full.put(slot, element(slot).with(barcode, -1, false));
        else state.vault.add(barcode);
        state.save(container);
        return c;
    }

    /** Takes a cartridge out: from a storage slot to a free import/export slot, or from one out of the library. */
    public synchronized void exportCartridge(String barcode) {
        cartridges.require(barcode);
        Element e = locate(barcode);
        if (e == null) throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, barcode + " is already exported");
        if (e.type() == ElementType.IMPORT_EXPORT) {
            if (preventRemoval) {
                throw new EngineException(EngineException.Reason.BUSY, "cannot export " + barcode + ": library '"
                        + name() + "' prevents medium removal (its changer got PREVENT MEDIUM REMOVAL); retry once "
                        + "the backup application allows it");
            }
            state.full.remove(e.address());
            state.vault.add(barcode);
        } else if (e.type() == ElementType.STORAGE) {
            Integer mail = firstEmpty(ElementType.IMPORT_EXPORT);
            if (mail == null) throw noFreeMailSlot();
            state.full.remove(e.address());
            state.full.put(mail, element(mail).with(barcode, e.address(), false));
        } else {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, barcode + " is in a drive; unload it first");
        }
        state.save(container);
    }

    /** Puts an exported cartridge into a free import/export slot, as an operator would. */
    public synchronized void importCartridge(String barcode) {
        cartridges.require(barcode);
        if (!state.vault.contains(barcode)) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, barcode + " is already in the library");
        }
        Integer mail = firstEmpty(ElementType.IMPORT_EXPORT);
        if (mail == null) throw noFreeMailSlot();
        state.vault.remove(barcode);
        state.full.put(mail, element(mail).with(barcode, -1, true));
        state.save(container);
    }

    /** Deletes a cartridge and its contents; not while it is in a drive. */
    public synchronized void deleteCartridge(String barcode) {
        cartridges.require(barcode);
        Element e = locate(barcode);
        if (e != null && e.type() == ElementType.DATA_TRANSFER) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, barcode + " is in a drive; move it out first");
        }
        if (e != null) state.full.remove(e.address());
        state.vault.remove(barcode);
        state.save(container);
        cartridges.delete(barcode);
    }

    /** Cartridges outside the library. */
    public synchronized List<String> vault() {
        return List.copyOf(state.vault);
    }

    /**
     * Every import/export slot holds a cartridge: the library's state, for the operator to resolve, not a full
     * disk (NO_SPACE would answer 507 and read as one).
     */
    private EngineException noFreeMailSlot() {
        List<String> held = state.full.values().stream().filter(e -> e.type() == ElementType.IMPORT_EXPORT)
                .map(Element::barcode).toList();
        return new EngineException(EngineException.Reason.BUSY, "no free import/export slot in library '" + name()
                + "': they hold " + String.join(", ", held) + "; export one of those out of the library first");
    }

    private Integer firstEmpty(ElementType t) {
        for (var e : layout.entrySet()) {
            if (e.getValue() == t && !state.full.containsKey(e.getKey())) return e.getKey();
        }
        return null;
    }

    private TapeDrive drive(int address) {
        return drives.get(address - LibraryConfig.FIRST_DRIVE);
    }

    @Override
    public synchronized void close() {
        for (TapeDrive d : drives) d.close();
    }
}
