package dev.cistern.iscsi.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class SessionRegistryTest {
    /** A connection never run: release only needs its identity. */
    private static Connection unused(SessionRegistry r) {
        return new Connection(new java.net.Socket(), null, r, null, Duration.ofSeconds(30), null,
                Duration.ofSeconds(30), null);
    }

    @Test
    void allocationFailsWithZeroOnceEveryTsihIsTakenInsteadOfSpinning() {
        // allocateTsih searched for a free TSIH without end once all 65,535 were in use
        SessionRegistry r = new SessionRegistry(0xffff);
        Set<Integer> seen = new HashSet<>();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 0xffff; i++) assertThat(seen.add(r.allocateTsih())).isTrue();
            assertThat(r.allocateTsih()).isZero();
        });
        assertThat(seen).doesNotContain(0).hasSize(0xffff);
        r.release(unused(r), 4242);
        assertThat(r.allocateTsih()).as("the one released").isEqualTo(4242);
    }

    @Test
    void theSessionCapBoundsTsihsTakenAtOnce() {
        SessionRegistry r = new SessionRegistry(2);
        int a = r.allocateTsih();
        int b = r.allocateTsih();
        assertThat(a).isNotZero().isNotEqualTo(b);
        assertThat(b).isNotZero();
        assertThat(r.allocateTsih()).isZero();
        r.release(unused(r), a);
        assertThat(r.allocateTsih()).isNotZero().isNotEqualTo(b);
    }
}
