package dev.cistern.server.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordCheckGateTest {
    @Test
    void checksBeyondTheRunningAndWaitingPlacesAreRefusedAtOnce() throws Exception {
        PasswordCheckGate gate = new PasswordCheckGate(1, 1, 2, Duration.ofSeconds(10));
        PasswordCheckGate.Permit first = gate.enter("10.0.0.1");
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            CompletableFuture<PasswordCheckGate.Permit> second = CompletableFuture.supplyAsync(() -> gate.enter("10.0.0.2"), pool);
            while (gate.waiting() == 0) Thread.sleep(1);
            assertThatThrownBy(() -> gate.enter("10.0.0.3"))
                    .isInstanceOf(ApiException.class)
                    .hasMessage("the server is busy with other password checks (1 at once, 1 more waiting); try again in 1 s")
                    .satisfies(e -> {
                        assertThat(((ApiException) e).status()).isEqualTo(429);
                        assertThat(((ApiException) e).retryAfterSeconds()).isEqualTo(1);
                    });
            assertThat(second).isNotDone();
            first.close();
            second.get(5, TimeUnit.SECONDS).close();
        }
        gate.enter("10.0.0.3").close();
    }

    @Test
    void oneClientHoldsAtMostItsShareOfThePlaces() {
        PasswordCheckGate gate = new PasswordCheckGate(4, 4, 2, Duration.ofSeconds(10));
        PasswordCheckGate.Permit a = gate.enter("10.0.0.1");
        gate.enter("10.0.0.1");
        assertThatThrownBy(() -> gate.enter("10.0.0.1"))
                .hasMessage("too many password checks at once from 10.0.0.1 (2 in progress, at most 2); try again in 1 s, after they finish");
        gate.enter("10.0.0.2").close();  // others still get in
        a.close();
        a.close();                       // a second close gives back nothing more
        gate.enter("10.0.0.1");
        assertThatThrownBy(() -> gate.enter("10.0.0.1")).isInstanceOf(ApiException.class);
    }

    @Test
    void aWaitThatRunsOutIsRefusedAndLeavesNoPlaceTaken() {
        PasswordCheckGate gate = new PasswordCheckGate(1, 1, 1, Duration.ofMillis(50));
        PasswordCheckGate.Permit first = gate.enter("10.0.0.1");
        assertThatThrownBy(() -> gate.enter("10.0.0.2")).hasMessageStartingWith("the server is busy");
        assertThat(gate.waiting()).isZero();
        first.close();
        gate.enter("10.0.0.2").close();
    }

    @Test
    void anotherAccountsKnownLoginsCannotTakeTheReservedPlacesOfTheAdmin() throws Exception {
        PasswordCheckGate gate = new PasswordCheckGate(1, 1, 2, 2, Duration.ofSeconds(10));
        PasswordCheckGate.Permit running = gate.enter("10.0.0.1");
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            CompletableFuture<PasswordCheckGate.Permit> queued = CompletableFuture.supplyAsync(() -> gate.enter("10.0.0.2"), pool);
            while (gate.waiting() < 1) Thread.sleep(1);
            // a monitor account's holder logs in as itself from its own known address, twice at once
            CompletableFuture<PasswordCheckGate.Permit> m1 = CompletableFuture.supplyAsync(() -> gate.enter("10.0.0.66", "monitor"), pool);
            CompletableFuture<PasswordCheckGate.Permit> m2 = CompletableFuture.supplyAsync(() -> gate.enter("10.0.0.66", "monitor"), pool);
            while (gate.waiting() < 3) Thread.sleep(1);
            CompletableFuture<PasswordCheckGate.Permit> admin = CompletableFuture.supplyAsync(() -> gate.enter("10.0.0.7", "admin"), pool);
            while (gate.waiting() < 4 && !admin.isDone()) Thread.sleep(1);
            assertThat(admin).as("the admin's known login waits in a place of its own").isNotDone();
            assertThatThrownBy(() -> gate.enter("10.0.0.67", "monitor")).as("the account's own places are taken")
                    .hasMessageStartingWith("the server is busy");
            assertThatThrownBy(() -> gate.enter("10.0.0.8")).as("unknown logins still find the queue full")
                    .hasMessageStartingWith("the server is busy");
            running.close();
            // each gets the place in turn, in the gate's order (not the list's): close each as it gets it, or a
            // wait for the first of the list would hold up the one holding the place
            CompletableFuture.allOf(java.util.stream.Stream.of(queued, m1, m2, admin)
                    .map(f -> f.thenAccept(PasswordCheckGate.Permit::close)).toArray(CompletableFuture[]::new))
                    .get(10, TimeUnit.SECONDS);
        }
    }
}
