package dev.cistern.server.http.api;

import dev.cistern.engine.CleanMode;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.jobs.Job;
import dev.cistern.server.jobs.JobKind;
import dev.cistern.server.jobs.JobView;

/**
 * Clean and verify run for minutes or hours, so {@code POST /clean} and {@code POST /verify} answer 202 with a
 * job at once ({@code POST /clean} takes an optional body {@code {"full": true}} for a {@link CleanMode#FULL} clean); clients poll {@code GET /jobs/{id}} for progress and the final report. {@code POST
 * /jobs/{id}/cancel} answers 202 while the job winds down; the job stays listed, ending as cancelled.
 */
final class JobResource implements Resource {
    /** The body of {@code POST /clean}; none, {@code {}} or a null {@code full} is a threshold clean. */
    record CleanRequest(Boolean full) {
    }

    private final ApiContext ctx;

    JobResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void register(Router r) {
        r.add("POST", Resources.BASE + "/clean", Access.WRITE, this::startClean);
        r.add("POST", Resources.BASE + "/verify", Access.WRITE, req -> start(req, JobKind.VERIFY));
        r.add("GET", Resources.BASE + "/jobs", Access.READ, req -> Response.ok(ctx.jobs().jobs().stream().map(Job::view).toList()));
        r.add("GET", Resources.BASE + "/jobs/{id}", Access.READ, req -> Response.ok(job(req.param("id")).view()));
        r.add("POST", Resources.BASE + "/jobs/{id}/cancel", Access.WRITE, this::cancel);
    }

    private Response start(ApiRequest req, JobKind kind) {
        return Response.accepted(ctx.jobs().start(kind, req.principal().user()).view());
    }

    private Response startClean(ApiRequest req) {
        // a query parameter would otherwise be ignored, and a full clean asked for that way run as a normal one
        if (req.query("full") != null) {
            throw ApiException.badRequest("'full' is not a query parameter: send it in the JSON body, {\"full\": true}");
        }
        CleanRequest b = req.bodyOr(CleanRequest.class, new CleanRequest(false));
        CleanMode mode = Boolean.TRUE.equals(b.full()) ? CleanMode.FULL : CleanMode.THRESHOLD;
        return Response.accepted(ctx.jobs().startClean(mode, req.principal().user()).view());
    }

    /** Same access as starting a job: who may start a clean may stop one. */
    private Response cancel(ApiRequest req) {
        Job job = job(req.param("id"));
        if (!ctx.jobs().cancel(job, req.principal().user())) {
            JobView v = job.view();
            throw ApiException.conflict("job " + job.id() + " (" + v.kind() + ") already " + v.state().wireName()
                    + " at " + v.finishedAt() + "; only a running job can be cancelled");
        }
        return Response.accepted(job.view());
    }

    private Job job(String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid job id '" + id + "': job ids are numbers");
        }
        return ctx.jobs().job(n).orElseThrow(() -> ApiException.notFound("job " + n
                + " not found; jobs are kept in memory until the server restarts, see GET /api/v1/jobs"));
    }
}
