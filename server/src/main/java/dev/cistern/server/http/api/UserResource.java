package dev.cistern.server.http.api;

import dev.cistern.server.config.Principal;
import dev.cistern.server.config.Role;
import dev.cistern.server.config.User;
import dev.cistern.server.frontend.S3Keys;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.AddressThrottle;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.LoginThrottle;
import dev.cistern.server.http.PasswordCheckGate;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;

import java.time.Instant;
import java.util.Arrays;

/** Users and roles (admins only), and password changes (admins, or users for themselves). */
final class UserResource implements Resource {
    private static final String PATH = Resources.BASE + "/users";

    record CreateRequest(String name, String role, char[] password) {
    }

    record UpdateRequest(String role) {
    }

    record PasswordRequest(char[] password, char[] currentPassword) {
    }

    record UserView(String name, Role role, Instant createdAt) {
        static UserView of(User u) {
            return new UserView(u.name(), u.role(), u.createdAt());
        }
    }

    private final ApiContext ctx;
    private final LoginThrottle logins;

    /** {@code logins}: the login back-off per name, which checking one's current password is subject to too. */
    UserResource(ApiContext ctx, LoginThrottle logins) {
        this.ctx = ctx;
        this.logins = logins;
    }

    @Override
    public void register(Router r) {
        r.add("GET", PATH, Access.ADMIN, req -> Response.ok(ctx.config().users().stream().map(UserView::of).toList()));
        r.add("POST", PATH, Access.ADMIN, this::create);
        r.add("GET", PATH + "/{name}", Access.ADMIN, req -> Response.ok(UserView.of(ctx.config().user(req.param("name")))));
        r.add("PATCH", PATH + "/{name}", Access.ADMIN, this::update);
        r.add("DELETE", PATH + "/{name}", Access.ADMIN, req -> {
            S3Keys.of(ctx.dataDir(), ctx.config()).deleteUser(req.param("name")); // the user's S3 keys go too
            logins.forget(req.param("name")); // and the addresses exempt from its login back-off
            return Response.noContent();
        });
        r.add("PUT", PATH + "/{name}/password", Access.READ, this::setPassword);
    }

    private Response create(ApiRequest req) {
        CreateRequest b = req.body(CreateRequest.class);
        try {
            if (b.role() == null) throw ApiException.badRequest("user '" + b.name() + "' needs a 'role': admin, operator or monitor");
            Role role = Role.parse(b.role());
            // hashing the new password is the same half second of CPU as a login's check: same bound
            try (PasswordCheckGate.Permit ignored = ctx.passwordChecks().enter(AddressThrottle.key(req.client()))) {
                return Response.created(UserView.of(ctx.config().addUser(b.name(), role, b.password())));
            }
        } finally {
            if (b.password() != null) Arrays.fill(b.password(), '\0');
        }
    }

    private Response update(ApiRequest req) {
        UpdateRequest b = req.body(UpdateRequest.class);
        if (b.role() == null) throw ApiException.badRequest("nothing to change: send 'role'");
        return Response.ok(UserView.of(ctx.config().setRole(req.param("name"), Role.parse(b.role()))));
    }

    private Response setPassword(ApiRequest req) {
        String name = req.param("name");
        Principal p = req.principal();
        if (p.role() != Role.ADMIN && !p.user().equals(name)) {
            throw ApiException.forbidden("user '" + p.user() + "' may only change their own password, not that of '" + name + "'");
        }
        PasswordRequest b = req.body(PasswordRequest.class);
        try {
            // one's own password takes the current one too: a token alone (stolen, or a session left
            // open) must not be enough to take the account for good; admins reset others' without it
            if (p.user().equals(name) && b.currentPassword() == null) {
                throw ApiException.badRequest("changing your own password needs your current one: send 'currentPassword'");
            }
            // checking the current password is a login's check: a token (stolen) must not guess it beyond the
            // name's back-off, so a wrong one is a failed login of the name, and a back-off refuses it unchecked
            String client = AddressThrottle.key(req.client());
            boolean own = p.user().equals(name);
            // any user may ask for this, so checking the current password and hashing the new one count
            // against the server-wide bound like a login; one place for both, taken in turn
            try (LoginThrottle.Attempt attempt = own ? logins.begin(name, client) : null;
                 PasswordCheckGate.Permit ignored = ctx.passwordChecks().enter(client)) {
                if (own && !ctx.config().checkPassword(name, b.currentPassword())) {
                    attempt.failed();
                    throw ApiException.forbidden("the current password is wrong; nothing was changed");
                }
                ctx.config().setPassword(name, b.password());
            }
            return Response.noContent();
        } finally {
            if (b.password() != null) Arrays.fill(b.password(), '\0');
            if (b.currentPassword() != null) Arrays.fill(b.currentPassword(), '\0');
        }
    }
}
