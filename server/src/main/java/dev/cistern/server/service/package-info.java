/**
 * The server's service framework: every long-running part (engine, REST API, protocol front ends, scheduler)
 * is a {@link dev.cistern.server.service.Service}, wired explicitly by {@code CisternServer}.
 *
 * <h2>Start and stop order</h2>
 * The {@link dev.cistern.server.service.ServiceRegistry} starts services in the order added (engine first,
 * then HTTP, then front ends) and stops them in reverse, so nothing serves requests against a stopped engine.
 * If one fails to start, those already started are stopped and the server does not come up half-way.
 *
 * <h2>Restarts</h2>
 * The {@link dev.cistern.server.service.ServiceWatcher} is the only thing that restarts services. Its rules:
 * <ul>
 *   <li>a RUNNING service whose health is DOWN (or whose check throws) is stopped and marked FAILED, its
 *       reason and time recorded;</li>
 *   <li>a FAILED service is started again once its backoff delay has passed; the delay doubles with every
 *       consecutive failure up to a cap, so a persistent fault costs a log line a minute, not a loop;</li>
 *   <li>a service healthy for the cap's duration has its failure streak forgotten;</li>
 *   <li>services that declare {@link dev.cistern.server.service.Service#dependsOn()} a failed service are
 *       stopped with it and restarted only once it runs again (a front end built on the engine instance of
 *       its start must not keep serving from a closed engine).</li>
 * </ul>
 * State changes of one service are serialized by its registry entry, so a health report and a restart never
 * interleave. Clients such as REST resources fetch the engine per request from
 * {@link dev.cistern.server.service.EngineService#engine()}: after a restart they see the new instance, and
 * while it is down they get CLOSED (HTTP 503) instead of a stale object.
 */
package dev.cistern.server.service;
