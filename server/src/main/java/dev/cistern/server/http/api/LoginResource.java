package dev.cistern.server.http.api;

import dev.cistern.server.config.LoginResult;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;

import java.time.Duration;

/** {@code POST /login} trades a user name and password for a bearer token; {@code POST /logout} revokes it. */
final class LoginResource implements Resource {
    static final Duration DEFAULT_TTL = Duration.ofHours(12);

    record LoginRequest(String user, char[] password, Long ttlSeconds) {
    }

    private final ApiContext ctx;

    LoginResource(ApiContext ctx) {
        this.ctx = ctx;
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
        Duration ttl = body.ttlSeconds() == null ? DEFAULT_TTL : Duration.ofSeconds(body.ttlSeconds());
        LoginResult r = ctx.config().login(body.user(), body.password(), ttl);
        java.util.Arrays.fill(body.password(), '\0');
        return Response.ok(r);
    }

    private Response logout(ApiRequest req) {
        ctx.config().logout(req.principal().tokenSha256());
        return Response.noContent();
    }
}
