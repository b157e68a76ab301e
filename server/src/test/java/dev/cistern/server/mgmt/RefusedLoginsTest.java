package dev.cistern.server.mgmt;

import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RefusedLoginsTest {
    @Test
    void beyondTheMinutesShareRefusalsAreCountedAndSummedUpInTheNextMinute() {
        MutableClock clock = new MutableClock();
        RefusedLogins r = new RefusedLogins(clock, 3);
        assertThat(r.refused("admin", "10.0.0.1")).isEqualTo(new RefusedLogins.Decision(null, true, false));
        r.refused("admin", "10.0.0.2");
        assertThat(r.refused("admin", "10.0.0.3")).as("the last one recorded says so").isEqualTo(new RefusedLogins.Decision(null, true, true));
        for (int i = 0; i < 100; i++) {
            assertThat(r.refused("user" + (i % 10), "10.0.1." + (i % 50)).record()).isFalse();
        }
        clock.advance(Duration.ofSeconds(59));
        assertThat(r.refused("admin", "10.0.0.4").record()).as("still the same minute").isFalse();
        clock.advance(Duration.ofSeconds(1));
        RefusedLogins.Decision next = r.refused("admin", "10.0.0.5");
        assertThat(next.record()).isTrue();
        assertThat(next.summary()).startsWith("101 more logins refused before the password check between ")
                .endsWith("from 51 addresses for 11 names, were counted, not recorded one by one (the audit log has each)");
        assertThat(r.refused("admin", "10.0.0.6").summary()).as("summed up once").isNull();
    }

    @Test
    void aCountWithoutALaterRefusalIsDueOnceItsMinuteIsOverOrAtTheStop() {
        MutableClock clock = new MutableClock();
        RefusedLogins r = new RefusedLogins(clock, 1);
        r.refused("admin", "10.0.0.1");
        r.refused("admin", "10.0.0.2");
        clock.advance(Duration.ofSeconds(10));
        r.refused("root", "10.0.0.3");
        assertThat(r.summaryDue(false)).as("within the minute").isNull();
        clock.advance(Duration.ofSeconds(50));
        assertThat(r.summaryDue(false)).startsWith("2 more logins refused before the password check between "
                + "2026-01-01T00:00:00Z and 2026-01-01T00:00:10Z, from 2 addresses for 2 names");
        assertThat(r.summaryDue(false)).as("summed up once").isNull();
        assertThat(r.refused("admin", "10.0.0.4")).as("a new minute").isEqualTo(new RefusedLogins.Decision(null, true, true));
        r.refused("admin", "10.0.0.5");
        assertThat(r.summaryDue(true)).as("at the stop, within the minute").startsWith("1 more logins refused");
        assertThat(r.summaryDue(true)).isNull();
    }

    @Test
    void aClockSetBackEndsTheMinuteInsteadOfCountingUntilItCatchesUp() {
        MutableClock clock = new MutableClock();
        RefusedLogins r = new RefusedLogins(clock, 1);
        r.refused("admin", "10.0.0.1");
        assertThat(r.refused("admin", "10.0.0.2").record()).isFalse();
        clock.advance(Duration.ofHours(-1));
        assertThat(r.summaryDue(false)).as("the count is due at the next health check").startsWith("1 more logins refused");
        RefusedLogins.Decision d = r.refused("admin", "10.0.0.3");
        assertThat(d.record()).as("a new minute: recorded one by one again").isTrue();
        assertThat(r.refused("admin", "10.0.0.4").record()).isFalse();
        clock.advance(Duration.ofHours(-1));
        assertThat(r.refused("admin", "10.0.0.5")).as("summed up by the next refusal, which is recorded")
                .satisfies(x -> assertThat(x.summary()).startsWith("1 more logins refused"))
                .satisfies(x -> assertThat(x.record()).isTrue());
    }
}
