package dev.cistern.server.http.api;

import dev.cistern.engine.ChunkingSpec;
import dev.cistern.engine.Compression;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.AddressThrottle;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.PassphraseThrottle;
import dev.cistern.server.http.PasswordCheckGate;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.Sizes;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Storage groups: the unit of deduplication, compression, quota and encryption. They live in the engine;
 * this resource validates requests, converts sizes and names, and calls the engine. Unlocking and re-keying
 * check a group's passphrase: wrong ones in a row put the group in a back-off ({@link PassphraseThrottle}).
 */
final class StorageGroupResource implements Resource {
    private static final String PATH = Resources.BASE + "/storage-groups";

    /** Sizes are strings so "100G" works; plain JSON numbers are accepted too. */
    record ChunkingRequest(String min, String avg, String max) {
    }

    record CreateRequest(String name, String compression, String quota, char[] passphrase, ChunkingRequest chunking) {
    }

    record UpdateRequest(String compression, String quota) {
    }

    record UnlockRequest(char[] passphrase) {
    }

    record PassphraseRequest(char[] oldPassphrase, char[] newPassphrase) {
    }

    record ChunkingView(int minSize, int avgSize, int maxSize) {
    }

    record GroupView(long id, String name, String compression, long quotaBytes, ChunkingView chunking,
                     boolean encrypted, boolean locked, String chunkIds, Instant createdAt) {
        static GroupView of(StorageGroupInfo g) {
            ChunkingSpec c = g.chunking();
            return new GroupView(g.id(), g.name(), g.compression().name().toLowerCase(Locale.ROOT), g.quotaBytes(),
                    new ChunkingView(c.minSize(), c.avgSize(), c.maxSize()), g.encrypted(), g.locked(),
                    g.chunkIds().wireName(), g.createdAt());
        }
    }

    private final ApiContext ctx;
    private final PassphraseThrottle passphrases;

    StorageGroupResource(ApiContext ctx, PassphraseThrottle passphrases) {
        this.ctx = ctx;
        this.passphrases = passphrases;
    }

    @Override
    public void register(Router r) {
        r.add("GET", PATH, Access.READ, req -> Response.ok(ctx.engine().get().listGroups().stream().map(GroupView::of).toList()));
        r.add("POST", PATH, Access.WRITE, this::create);
        r.add("GET", PATH + "/{name}", Access.READ, req -> Response.ok(GroupView.of(ctx.engine().get().group(req.param("name")))));
        r.add("PATCH", PATH + "/{name}", Access.WRITE, this::update);
        r.add("DELETE", PATH + "/{name}", Access.WRITE, req -> {
            ctx.engine().get().deleteGroup(req.param("name"));
            passphrases.deleted(req.param("name"));
            return Response.noContent();
        });
        r.add("POST", PATH + "/{name}/unlock", Access.WRITE, this::unlock);
        r.add("POST", PATH + "/{name}/passphrase", Access.WRITE, this::changePassphrase);
    }

    private Response create(ApiRequest req) {
        CreateRequest b = req.body(CreateRequest.class);
        try {
            if (b.name() == null) throw ApiException.badRequest("storage group needs a 'name'");
            Compression comp = b.compression() == null ? Compression.FAST : compression(b.compression());
            long quota = b.quota() == null ? 0 : Sizes.parse("quota", b.quota());
            ChunkingSpec chunking = b.chunking() == null ? ChunkingSpec.DEFAULT : chunking(b.chunking());
            if (b.passphrase() != null && b.passphrase().length < 8) {
                throw ApiException.badRequest("passphrase of storage group '" + b.name() + "' is too short: use at least 8 characters");
            }
            StorageGroupSpec spec = new StorageGroupSpec(b.name(), comp, quota, chunking, b.passphrase());
            if (b.passphrase() == null) return Response.created(GroupView.of(ctx.engine().get().createGroup(spec)));
            try (PasswordCheckGate.Permit ignored = passphraseHashing(req)) {
                return Response.created(GroupView.of(ctx.engine().get().createGroup(spec)));
            }
        } finally {
            wipe(b.passphrase());
        }
    }

    private Response update(ApiRequest req) {
        UpdateRequest b = req.body(UpdateRequest.class);
        Compression comp = b.compression() == null ? null : compression(b.compression());
        Long quota = b.quota() == null ? null : Sizes.parse("quota", b.quota());
        if (comp == null && quota == null) throw ApiException.badRequest("nothing to change: send 'compression' and/or 'quota'");
        return Response.ok(GroupView.of(ctx.engine().get().updateGroup(req.param("name"), comp, quota)));
    }

    private Response unlock(ApiRequest req) {
        UnlockRequest b = req.body(UnlockRequest.class);
        try {
            if (b.passphrase() == null) throw ApiException.badRequest("unlock needs a 'passphrase'");
            checkPassphrase(req, () -> ctx.engine().get().unlockGroup(req.param("name"), b.passphrase()));
            return Response.ok(GroupView.of(ctx.engine().get().group(req.param("name"))));
        } finally {
            wipe(b.passphrase());
        }
    }

    private Response changePassphrase(ApiRequest req) {
        PassphraseRequest b = req.body(PassphraseRequest.class);
        try {
            if (b.oldPassphrase() == null || b.newPassphrase() == null) {
                throw ApiException.badRequest("changing a passphrase needs 'oldPassphrase' and 'newPassphrase'");
            }
            if (b.newPassphrase().length < 8) {
                throw ApiException.badRequest("new passphrase is too short: use at least 8 characters");
            }
            checkPassphrase(req, () -> ctx.engine().get().changePassphrase(req.param("name"), b.oldPassphrase(),
                    b.newPassphrase()));
            return Response.noContent();
        } finally {
            wipe(b.oldPassphrase());
            wipe(b.newPassphrase());
        }
    }

    /**
     * Runs {@code engineCall}, which checks the passphrase of the group the request names: refused with 429
     * while the group is in a back-off or another check of it runs, before any hashing; then in a place of the
     * server-wide gate. A wrong passphrase (ACCESS_DENIED, answered 403 as ever) counts against the group, a
     * right one clears its record; any other failure (no such group, not encrypted, a concurrent change) is
     * neither. The outcome is counted before the attempt ends, so the next check sees it.
     */
    private void checkPassphrase(ApiRequest req, Runnable engineCall) {
        try (PassphraseThrottle.Attempt attempt = passphrases.begin(req.param("name"))) {
            try (PasswordCheckGate.Permit ignored = passphraseHashing(req)) {
                engineCall.run();
            } catch (EngineException e) {
                if (e.reason() == EngineException.Reason.ACCESS_DENIED) {
                    attempt.failed(req.principal().user(), AddressThrottle.key(req.client()));
                }
                throw e;
            }
            attempt.succeeded();
        }
    }

    /**
     * A place in the server-wide bound on password hashing: deriving a group's key from its passphrase is
     * PBKDF2 like a login's check, and any operator (or a stolen operator token) may ask for it.
     */
    private PasswordCheckGate.Permit passphraseHashing(ApiRequest req) {
        return ctx.passwordChecks().enter(AddressThrottle.key(req.client()));
    }

    static Compression compression(String s) {
        try {
            return Compression.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid compression '" + s + "': use none, fast or best");
        }
    }

    private static ChunkingSpec chunking(ChunkingRequest c) {
        if (c.min() == null || c.avg() == null || c.max() == null) {
            throw ApiException.badRequest("chunking needs 'min', 'avg' and 'max' sizes (e.g. 2K, 8K, 64K)");
        }
        return new ChunkingSpec(Sizes.parseInt("chunking min", c.min()), Sizes.parseInt("chunking avg", c.avg()),
                Sizes.parseInt("chunking max", c.max()));
    }

    private static void wipe(char[] secret) {
        if (secret != null) Arrays.fill(secret, '\0');
    }
}
