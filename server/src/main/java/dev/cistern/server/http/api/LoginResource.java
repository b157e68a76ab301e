package dev.cistern.server.http.api;

import dev.cistern.server.config.ConfigException;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.LoginResult;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.AddressThrottle;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.LoginThrottle;
import dev.cistern.server.http.PasswordCheckGate;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;

import java.time.Duration;

/**
 * {@code POST /login} trades a user name and password for a bearer token; {@code POST /logout} revokes it.
 * Before a password is checked, three limits may refuse the login with 429 and {@code Retry-After}, none of
 * which depends on whether the name exists: repeated failures for the name ({@link LoginThrottle}), failed
 * logins from the client's address ({@link AddressThrottle}), and the server-wide bound on password checks
 * running at once ({@link PasswordCheckGate}). An address the name logged in from before is not held back by
 * the name's back-off and may wait in a reserved place of the gate, so an attack on the admin's name from
 * elsewhere does not lock the admin out ({@link LoginThrottle}).
 */
final class LoginResource implements Resource {
    static final Duration DEFAULT_TTL = Duration.ofHours(12);

    record LoginRequest(String user, char[] password, Long ttlSeconds) {
    }

    private final ApiContext ctx;
    private final LoginThrottle throttle;
    private final AddressThrottle addresses;

    /** {@code throttle}: shared with {@link UserResource}, whose own-password changes check a password too. */
    LoginResource(ApiContext ctx, LoginThrottle throttle) {
        this.ctx = ctx;
        this.throttle = throttle;
        this.addresses = AddressThrottle.standard(ctx.clock());
    }

    @Override
    public void register(Router r) {
        r.add("POST", Resources.BASE + "/login", Access.PUBLIC, this::login);
        r.add("POST", Resources.BASE + "/logout", Access.READ, this::logout);
    }

    private Response login(ApiRequest req) {
        LoginRequest body = req.body(LoginRequest.class);
        if (body.user() == null || body.password() == null) {
            throw ApiException.badRequest("login needs 'user' and 'password'");
        }
        // before the throttle keeps it or a password is hashed: no user has such a name
        if (!ConfigService.validUserName(body.user())) {
            throw ApiException.badRequest("invalid user name '" + ConfigService.clip(body.user()) + "'");
        }
        Duration ttl = body.ttlSeconds() == null ? DEFAULT_TTL : Duration.ofSeconds(body.ttlSeconds());
        String client = AddressThrottle.key(req.client());
        boolean wrongPassword = false;
        // the outcome is counted before the attempt ends, so the name's next check sees it
        try (LoginThrottle.Attempt attempt = throttle.begin(body.user(), client)) {
            addresses.take(client);
            try (PasswordCheckGate.Permit ignored = ctx.passwordChecks().enter(client, attempt.known() ? body.user() : null)) {
                LoginResult r = ctx.config().login(body.user(), body.password(), ttl);
                attempt.succeeded();
                return Response.ok(r);
            } catch (ConfigException e) {
                wrongPassword = e.kind() == ConfigException.Kind.UNAUTHORIZED;
                if (wrongPassword) attempt.failed();
                throw e;
            } finally {
                if (!wrongPassword) addresses.giveBack(client);
            }
        } finally {
            java.util.Arrays.fill(body.password(), '\0');
        }
    }

    private Response logout(ApiRequest req) {
        ctx.config().logout(req.principal().tokenSha256());
        return Response.noContent();
    }
}
