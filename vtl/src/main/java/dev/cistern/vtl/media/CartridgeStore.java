package dev.cistern.vtl.media;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cartridges of one library container: create, find, list, delete, open their contents. */
public final class CartridgeStore {
    private final ContainerHandle container;

    public CartridgeStore(ContainerHandle container) {
        this.container = container;
    }

    public Cartridge add(Cartridge c, long nowMillis) {
        if (container.stat(TapeFormat.record(c.barcode())).isPresent()) {
            throw new EngineException(EngineException.Reason.ALREADY_EXISTS, "cartridge " + c.barcode()
                    + " already exists in library '" + container.info().name() + "'");
        }
        try (var w = container.create(TapeFormat.record(c.barcode()))) {
            w.commit(c.attributes(nowMillis));
        }
        return c;
    }

    public Optional<Cartridge> find(String barcode) {
        return container.stat(TapeFormat.record(barcode)).map(e -> Cartridge.fromAttributes(barcode, e.attributes()));
    }

    public Cartridge require(String barcode) {
        return find(barcode).orElseThrow(() -> new EngineException(EngineException.Reason.NOT_FOUND,
                "no cartridge " + barcode + " in library '" + container.info().name() + "'"));
    }

    public List<Cartridge> list() {
        List<Cartridge> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<EntryInfo> page = container.list("cartridge/", after, 1000);
            for (EntryInfo e : page) {
                out.add(Cartridge.fromAttributes(e.name().substring("cartridge/".length()), e.attributes()));
            }
            if (page.size() < 1000) return out;
            after = page.getLast().name();
        }
    }

    public void setWriteProtected(String barcode, boolean wp) {
        Cartridge c = require(barcode);
        Map<String, String> a = new java.util.HashMap<>(container.stat(TapeFormat.record(barcode)).orElseThrow()
                .attributes());
        a.put("write-protect", Boolean.toString(wp));
        container.setAttributes(TapeFormat.record(c.barcode()), a);
    }

    /** Bytes of payload written to the cartridge (its logical size). */
    public long usedBytes(String barcode) {
        return container.stat(TapeFormat.data(barcode)).map(EntryInfo::size).orElse(0L);
    }

    public void delete(String barcode) {
        require(barcode);
        for (String n : List.of(TapeFormat.data(barcode), TapeFormat.objects(barcode), TapeFormat.marks(barcode))) {
            if (container.stat(n).isPresent()) container.delete(n);
        }
        container.delete(TapeFormat.record(barcode));
    }

    /** Opens the contents for a drive, recovering from a crash first (see {@link TapeMedium}). */
    public TapeMedium open(String barcode) {
        return TapeMedium.open(container, require(barcode));
    }
}
