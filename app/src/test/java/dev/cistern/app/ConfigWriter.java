package dev.cistern.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes the configuration through REST (storage groups each with an S3 container, users, the quota of a group, LUNs
 * added to an iSCSI container while it is written) and remembers what was answered 201 or 200: after a crash every acknowledged change is there, and the quota is the
 * last acknowledged one or the one left unanswered.
 */
final class ConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String quotaGroup;
    private final String lunContainer;
    private final List<String> groups = new ArrayList<>();
    private final List<Integer> luns = new ArrayList<>();
    private final List<String> users = new ArrayList<>();
    private long quota;
    private Long quotaSent;
    private String failure;

    ConfigWriter(String quotaGroup, String lunContainer) {
        this.quotaGroup = quotaGroup;
        this.lunContainer = lunContainer;
    }

    /** Makes changes until the server is killed; one refused or failed before is kept as the failure. */
    void writeUntil(ServerJvm server, String token, int round, BooleanSupplier killed) {
        String api = server.api();
        for (int i = 0; !killed.getAsBoolean(); i++) {
            String name = "cfg-" + round + "-" + i;
            try {
                switch (i % 5) {
                    case 0 -> {
                        // a user costs a password hashing: one change in five
                        if (ok(Rest.send(api + "/users", "POST", token, "{\"name\":\"" + name
                                + "\",\"role\":\"monitor\",\"password\":\"pw-" + name + "\"}"), 201, killed)) users.add(name);
                        else return;
                    }
                    case 1 -> {
                        long next = (round * 1000L + i + 1) << 30;
                        quotaSent = next;
                        if (!ok(Rest.send(api + "/storage-groups/" + quotaGroup, "PATCH", token, "{\"quota\":\"" + next + "\"}"),
                                200, killed)) return;
                        quota = next;
                        quotaSent = null;
                    }
                    case 2 -> {
                        HttpResponse<String> r = Rest.send(api + "/containers/" + lunContainer + "/luns", "POST", token,
                                "{\"size\":\"1M\"}");
                        if (!ok(r, 201, killed)) return;
                        luns.add(JSON.readTree(r.body()).get("lun").asInt());
                    }
                    default -> {
                        if (!ok(Rest.send(api + "/storage-groups", "POST", token, "{\"name\":\"" + name + "\"}"), 201, killed)
                                || !ok(Rest.send(api + "/containers", "POST", token, "{\"name\":\"" + name
                                + "-bucket\",\"storageGroup\":\"" + name + "\",\"protocol\":\"s3\"}"), 201, killed)) return;
                        groups.add(name);
                    }
                }
                Thread.sleep(100);
            } catch (Exception e) {
                if (!killed.getAsBoolean()) failure = "changing the configuration (" + name + "): " + e;
                return;
            }
        }
    }

    private boolean ok(HttpResponse<String> r, int status, BooleanSupplier killed) {
        if (r.statusCode() == status) return true;
        if (!killed.getAsBoolean()) {
            failure = r.request().method() + " " + r.request().uri() + ": " + r.statusCode() + " " + r.body();
        }
        return false;
    }

    int changes() {
        return groups.size() + users.size() + luns.size();
    }

    void check(ServerJvm server, String token) throws Exception {
        assertThat(failure).as("REST changes while the server ran").isNull();
        assertThat(names(server, token, "/storage-groups")).as("storage groups after the restart").containsAll(groups);
        assertThat(names(server, token, "/containers")).as("containers after the restart")
                .containsAll(groups.stream().map(n -> n + "-bucket").toList());
        assertThat(names(server, token, "/users")).as("users after the restart").containsAll(users);
        HttpResponse<String> listed = Rest.send(server.api() + "/containers/" + lunContainer + "/luns", "GET", token, null);
        List<Integer> lunsNow = new ArrayList<>();
        for (JsonNode l : JSON.readTree(listed.body())) lunsNow.add(l.get("lun").asInt());
        assertThat(lunsNow).as("LUNs of %s after the restart", lunContainer).containsAll(luns);
        long now = JSON.readTree(Rest.send(server.api() + "/storage-groups/" + quotaGroup, "GET", token, null).body())
                .get("quotaBytes").asLong();
        if (quotaSent != null && now == quotaSent) quota = now; // the change was made, its answer lost
        quotaSent = null;
        assertThat(now).as("quota of %s after the restart", quotaGroup).isEqualTo(quota);
    }

    private static List<String> names(ServerJvm server, String token, String path) throws Exception {
        HttpResponse<String> r = Rest.send(server.api() + path, "GET", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.body())) names.add(n.get("name").asText());
        return names;
    }
}
