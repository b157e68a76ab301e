package dev.cistern.server.http.api;

import dev.cistern.server.DataLayout;
import dev.cistern.server.health.Alert;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.LoginThrottle;
import dev.cistern.server.http.PassphraseThrottle;
import dev.cistern.server.http.Router;

import java.util.List;

/** Every resource of {@code /api/v1}, in one list so the API's surface is visible in one place. */
public final class Resources {
    public static final String BASE = "/api/v1";

    private Resources() {
    }

    public static Router router(ApiContext ctx) {
        Router r = new Router(ctx.config());
        // one per name for both password checks a caller names a user for: a login, and one's own password
        // change, whose current password a stolen token could otherwise guess without the login's back-off;
        // the addresses exempt from that back-off survive a restart
        LoginThrottle logins = LoginThrottle.persistent(ctx.clock(), new DataLayout(ctx.dataDir()).knownLoginsFile(),
                ctx.config()::exists);
        // one per group for both passphrase checks: unlocking, and re-keying, which checks the old passphrase
        PassphraseThrottle passphrases = PassphraseThrottle.standard(ctx.clock(), new PassphraseThrottle.Alerts() {
            @Override
            public void raise(String key, String message) {
                ctx.health().raise(key, Alert.Severity.WARNING, message);
            }

            @Override
            public void clear(String key) {
                ctx.health().clear(key);
            }
        });
        for (Resource res : List.of(
                new OpenApiResource(),
                new LoginResource(ctx, logins),
                new StorageGroupResource(ctx, passphrases),
                new ContainerResource(ctx),
                new StatsResource(ctx),
                new JobResource(ctx),
                new UserResource(ctx, logins),
                new S3KeyResource(ctx),
                new IscsiResource(ctx),
                new CartridgeResource(ctx),
                new SystemResource(ctx))) {
            res.register(r);
        }
        return r;
    }
}
