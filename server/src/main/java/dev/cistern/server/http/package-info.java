/**
 * The REST API ({@code /api/v1}, JSON over HTTPS on the JDK's {@code HttpsServer}, one virtual thread per
 * request). {@link dev.cistern.server.http.Router} does what every endpoint shares: route matching, bearer
 * token authentication, the role check declared by each route's {@link dev.cistern.server.http.Access}, and
 * the mapping of failures to {@code {"error": "..."}} with the status from
 * {@link dev.cistern.server.http.ErrorStatus}. Resources in {@code api} hold one resource each and only
 * validate, convert and call the engine or the config service.
 *
 * <p>Access: {@code login} and {@code openapi.json} are public; every other route needs a token; monitors
 * may only read; user management is for admins (a user may set its own password). Password checks, half a
 * second of CPU each and free to ask for, are bounded before they start: per name
 * ({@link dev.cistern.server.http.LoginThrottle}), per client address
 * ({@link dev.cistern.server.http.AddressThrottle}) and server-wide
 * ({@link dev.cistern.server.http.PasswordCheckGate}); over a bound the answer is 429 with Retry-After. Every
 * other request that hashes a password or passphrase (creating a user, setting a password, creating, unlocking
 * or re-keying an encrypted storage group) takes a place in the same server-wide gate first; unlocking and
 * re-keying a group are also bounded per group ({@link dev.cistern.server.http.PassphraseThrottle}). The client
 * address is always the connection's peer ({@link dev.cistern.server.http.ApiRequest#client}); forwarding
 * headers are ignored. The
 * OpenAPI document is written by hand and a test keeps it equal to the router's routes.
 */
package dev.cistern.server.http;
