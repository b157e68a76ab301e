/**
 * The config service: users, roles and API tokens (storage groups and containers are the engine's).
 *
 * <h2>Transactions</h2>
 * The whole config is one immutable {@link dev.cistern.server.config.ConfigState}. A change, under the
 * service's lock, (1) validates the request against the current state, (2) builds the next state, (3) writes
 * it to a temporary file, fsyncs it, renames it over {@code config.json} and fsyncs the directory, and only
 * then (4) publishes it in memory. A refused request stops at (1) and a failed write at (3): in both cases
 * disk and memory still hold the previous state, so a bad request changes nothing, and a crash leaves the old
 * or the new file, never a torn one.
 *
 * <h2>Secrets</h2>
 * Passwords are kept as PBKDF2-HMAC-SHA256 hashes (600,000 iterations by default; the count is stored with
 * each hash). Tokens are random 256-bit values shown once at login; only their SHA-256 is stored, so reading
 * the file does not yield a usable session. Changing a user's password or deleting the user revokes its tokens.
 */
package dev.cistern.server.config;
