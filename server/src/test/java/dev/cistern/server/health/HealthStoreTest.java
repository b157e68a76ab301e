package dev.cistern.server.health;

import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HealthStoreTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock();

    HealthStore store() {
        return new HealthStore(dir, clock, Duration.ofDays(10), 100);
    }

    @Test
    void raisingAnOpenAlertAgainRefreshesItInsteadOfAddingOne() {
        HealthStore s = store();
        List<Alert> hooked = new ArrayList<>();
        s.onRaise(hooked::add);
        assertThat(s.raise("capacity", Alert.Severity.WARNING, "81% full")).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(s.raise("capacity", Alert.Severity.CRITICAL, "91% full")).isEmpty();
        assertThat(s.alerts()).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
            assertThat(a.message()).isEqualTo("91% full");
            assertThat(a.lastSeenAt()).isAfter(a.raisedAt());
        });
        assertThat(hooked).hasSize(1);
        s.clear("capacity");
        assertThat(s.raise("capacity", Alert.Severity.WARNING, "85% full")).isPresent();
        assertThat(s.alerts()).hasSize(2);
        assertThat(s.alerts().get(1).clearedAt()).isNotNull();
    }

    @Test
    void acknowledgementsAlertsAndEventsSurviveAReopen() {
        HealthStore s = store();
        long id = s.raise("service:engine", Alert.Severity.CRITICAL, "engine down").orElseThrow().id();
        assertThat(s.acknowledge(id, "ops")).hasValueSatisfying(a -> assertThat(a.acknowledgedBy()).isEqualTo("ops"));
        assertThat(s.acknowledge(id + 100, "ops")).isEmpty();
        s.event("login", "ops", "logged in");

        HealthStore again = store();
        assertThat(again.alerts()).singleElement().satisfies(a -> {
            assertThat(a.acknowledgedBy()).isEqualTo("ops");
            assertThat(a.active()).isFalse();
        });
        assertThat(again.events(null, 10)).extracting(Event::type).containsExactly("login", "alert", "alert");
        assertThat(again.events("login", 10)).singleElement().satisfies(e -> assertThat(e.user()).isEqualTo("ops"));
        long next = again.raise("x", Alert.Severity.WARNING, "new").orElseThrow().id();
        assertThat(next).isGreaterThan(id);
    }

    @Test
    void pruneDropsOldEventsAndOldClearedAlertsButKeepsOpenOnes() {
        HealthStore s = store();
        s.event("config", "a", "old change");
        s.raise("old", Alert.Severity.WARNING, "old and cleared");
        s.clear("old");
        s.raise("open", Alert.Severity.WARNING, "still open");
        clock.advance(Duration.ofDays(11));
        s.event("config", "a", "new change");
        s.prune();
        assertThat(s.events(null, 100)).extracting(Event::message).containsExactly("new change");
        assertThat(s.alerts()).extracting(Alert::key).containsExactly("open");
        assertThat(store().events(null, 100)).hasSize(1);
    }

    @Test
    void eventsAreCappedAtTheMaximumAndTheFileIsCompacted() throws Exception {
        HealthStore s = store();
        for (int i = 0; i < 250; i++) s.event("config", "a", "change " + i);
        assertThat(s.events(null, 1000)).hasSize(100).first().satisfies(e -> assertThat(e.message()).isEqualTo("change 249"));
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("events.jsonl")).size()).isLessThan(200);
        assertThat(store().events(null, 1000)).hasSize(100).first().satisfies(e -> assertThat(e.message()).isEqualTo("change 249"));
    }

    @Test
    void aLineTornByACrashIsSkippedAndTheRestLoads() throws Exception {
        HealthStore s = store();
        s.event("login", "ann", "logged in");
        s.event("login", "bob", "logged in");
        java.nio.file.Files.writeString(dir.resolve("events.jsonl"), "{\"id\":3,\"at\":\"2026-01-0", java.nio.file.StandardOpenOption.APPEND);
        HealthStore again = store();
        assertThat(again.events(null, 10)).extracting(Event::user).containsExactly("bob", "ann");
        again.event("login", "cy", "logged in");
        assertThat(store().events(null, 10)).extracting(Event::user).contains("cy");
    }

    /** Torn inside a character: the last line is skipped like any torn line, the start is not refused. */
    @Test
    void aLineTornInsideACharacterIsSkippedToo() throws Exception {
        HealthStore s = store();
        s.event("login", "ann", "logged in");
        byte[] torn = "{\"id\":2,\"message\":\"/srv/donn".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var out = java.nio.file.Files.newOutputStream(dir.resolve("events.jsonl"), java.nio.file.StandardOpenOption.APPEND)) {
            out.write(torn);
            out.write(0xC3); // the first byte of a two-byte character, the second never written
        }
        assertThat(store().events(null, 10)).extracting(Event::user).containsExactly("ann");
    }
}
