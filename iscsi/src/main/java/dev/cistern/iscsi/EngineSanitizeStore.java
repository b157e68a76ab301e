package dev.cistern.iscsi;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;

import java.util.HashMap;
import java.util.Map;

/**
 * The sanitize marker as the attribute {@code sanitize} of the LUN's own volume entry ({@code incomplete}
 * or {@code incomplete-ause}; absent once a sanitize completed). The engine writes entry attributes
 * synchronously, and the marker goes with the LUN when it is removed. Nothing else sets attributes on
 * {@code lun-N} entries, so replacing them after reading them loses nobody's.
 */
final class EngineSanitizeStore implements SanitizeStore {
    static final String ATTRIBUTE = "sanitize";
    private final ContainerHandle container;
    private final String entry;

    EngineSanitizeStore(ContainerHandle container, String entry) {
        this.container = container;
        this.entry = entry;
    }

    @Override
    public State load() {
        String v = attributes().get(ATTRIBUTE);
        if (v == null) return State.COMPLETED;
        // an unknown value (a newer release's) still says a sanitize did not complete: the restricted
        // failure is the one that serves no data it should not
        return "incomplete-ause".equals(v) ? State.INCOMPLETE_AUSE : State.INCOMPLETE;
    }

    @Override
    public void save(State state) {
        Map<String, String> a = new HashMap<>(attributes());
        String old = a.get(ATTRIBUTE);
        switch (state) {
            case COMPLETED -> a.remove(ATTRIBUTE);
            case INCOMPLETE -> a.put(ATTRIBUTE, "incomplete");
            case INCOMPLETE_AUSE -> a.put(ATTRIBUTE, "incomplete-ause");
        }
        if (java.util.Objects.equals(old, a.get(ATTRIBUTE))) return;
        container.setAttributes(entry, a);
    }

    private Map<String, String> attributes() {
        EntryInfo e = container.stat(entry).orElseThrow(() -> new EngineException(EngineException.Reason.NOT_FOUND,
                "LUN volume '" + entry + "' of container '" + container.info().name() + "' was removed"));
        return e.attributes() == null ? Map.of() : e.attributes();
    }
}
