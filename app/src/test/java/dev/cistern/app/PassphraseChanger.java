package dev.cistern.app;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.http.HttpResponse;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes the passphrase of an encrypted storage group through REST and remembers which change was answered: after a
 * crash the group unlocks with the last acknowledged passphrase, or with the one whose change was left unanswered.
 */
final class PassphraseChanger {
    private final String group;
    private volatile String acknowledged;
    private volatile String sent;
    private volatile String failure;

    PassphraseChanger(String group, String passphrase) {
        this.group = group;
        this.acknowledged = passphrase;
    }

    String current() {
        return acknowledged;
    }

    /** Changes the passphrase to {@code next} after {@code afterMillis}, unless the kill comes first. */
    void changeAfter(ServerJvm server, String token, int afterMillis, String next, BooleanSupplier killed) {
        try {
            Thread.sleep(afterMillis);
            if (killed.getAsBoolean()) return;
            sent = next;
            HttpResponse<String> r = Rest.send(server.api() + "/storage-groups/" + group + "/passphrase", "POST", token,
                    "{\"oldPassphrase\":\"" + acknowledged + "\",\"newPassphrase\":\"" + next + "\"}");
            if (r.statusCode() == 204) {
                acknowledged = next;
                sent = null;
            } else if (!killed.getAsBoolean()) {
                failure = "changing the passphrase of " + group + ": " + r.statusCode() + " " + r.body();
            }
        } catch (Exception e) {
            if (!killed.getAsBoolean()) failure = "changing the passphrase of " + group + ": " + e;
        }
    }

    /** Unlocks the group after a restart: with the acknowledged passphrase, or else the one whose answer was lost. */
    void unlock(ServerJvm server, String token) throws Exception {
        assertThat(failure).as("passphrase changes while the server ran").isNull();
        String path = server.api() + "/storage-groups/" + group + "/unlock";
        HttpResponse<String> r = Rest.send(path, "POST", token, "{\"passphrase\":\"" + acknowledged + "\"}");
        if (r.statusCode() == 403 && sent != null) {
            r = Rest.send(path, "POST", token, "{\"passphrase\":\"" + sent + "\"}");
            if (r.statusCode() == 200) acknowledged = sent; // the change was made, its answer lost
        }
        sent = null;
        assertThat(r.statusCode()).as("unlocking %s with its acknowledged passphrase: %s", group, r.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(r.body()).get("locked").asBoolean()).isFalse();
    }
}
