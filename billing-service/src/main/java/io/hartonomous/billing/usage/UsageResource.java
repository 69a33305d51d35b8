package io.hartonomous.billing.usage;

import io.hartonomous.billing.access.TenantAccess;
import io.hartonomous.billing.meter.Granularity;
import io.hartonomous.billing.meter.Meter;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.tenancy.Caller;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/usage}: record usage events, read usage summaries. */
@Path("/api/v1/usage")
@Tag(name = "usage")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    private final UsageService usage;
    private final CurrentCaller caller;

    public UsageResource(UsageService usage, CurrentCaller caller) {
        this.usage = usage;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Record one usage event",
            description = "Idempotent by (tenant, idempotencyKey): the same key sent again, at any time, is counted once. "
                    + "`tenant` may be named only by a service token; `reservationId` commits a quota reservation.")
    @APIResponse(responseCode = "201", description = "Accepted: counted now")
    @APIResponse(responseCode = "200", description = "Duplicate: an event with this key was counted before")
    @APIResponse(responseCode = "400", description = "Invalid event (unknown meter, bad quantity, timestamp outside the window…)")
    @APIResponse(responseCode = "403", description = "A non-service token named another tenant")
    @APIResponse(responseCode = "409", description = "The named reservation cannot be committed by this event")
    @APIResponse(responseCode = "429", description = "Without a reservation, the event would pass the tenant's quota")
    public Uni<Response> record(UsageEventRequest event) {
        if (event == null) {
            throw HartonomousException.invalid("The body must be one usage event.");
        }
        return usage.record(caller.get(), List.of(event)).map(outcomes -> {
            EventOutcome o = outcomes.get(0);
            return switch (o.outcome()) {
                case EventOutcome.ACCEPTED -> Response.status(Response.Status.CREATED).entity(o).build();
                case EventOutcome.DUPLICATE -> Response.ok(o).build();
                default -> throw rejection(o);
            };
        });
    }

    static HartonomousException rejection(EventOutcome o) {
        ErrorCode code = BatchDecision.QUOTA_EXCEEDED.equals(o.reason()) ? ErrorCode.QUOTA_EXCEEDED
                : o.reason().startsWith("reservation_") ? ErrorCode.CONFLICT : ErrorCode.INVALID_REQUEST;
        return new HartonomousException(code, "The event was rejected (" + o.reason() + "): " + o.detail() + ".",
                Map.of("reason", o.reason()), null);
    }

    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Record up to 1000 usage events",
            description = "A JSON array of events, recorded in one transaction. Answers each event's outcome, in order: "
                    + "`accepted`, `duplicate` (its key was counted before, or earlier in this batch) or `rejected` with a reason.")
    @APIResponse(responseCode = "200", description = "Per-event outcomes")
    @APIResponse(responseCode = "400", description = "Empty batch or a body that is not an array of events")
    @APIResponse(responseCode = "403", description = "A non-service token named another tenant")
    @APIResponse(responseCode = "413", description = "More events than the batch limit")
    public Uni<BatchResult> recordBatch(List<UsageEventRequest> events) {
        if (events == null || events.isEmpty()) {
            throw HartonomousException.invalid("The body must be a non-empty JSON array of usage events.");
        }
        if (events.size() > usage.maxBatch()) {
            throw new HartonomousException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "A batch holds at most " + usage.maxBatch() + " events, not " + events.size() + ".");
        }
        return usage.record(caller.get(), events).map(BatchResult::of);
    }

    @GET
    @Path("/summary")
    @RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
    @Operation(summary = "Usage of one meter per minute, hour or day",
            description = "Answers from pre-aggregated buckets. `from` is aligned down to its window; `to` is exclusive. "
                    + "Defaults: the last 24 hours, per hour.")
    @APIResponse(responseCode = "200", description = "`{meter, from, to, window, total, buckets: [{start, value}]}`")
    @APIResponse(responseCode = "400", description = "Unknown meter or window, or a bad range")
    public Uni<UsageService.Summary> summary(
            @Parameter(description = "The meter", required = true) @QueryParam("meter") String meter,
            @Parameter(description = "ISO-8601 start (inclusive)") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 end (exclusive)") @QueryParam("to") String to,
            @Parameter(description = "minute, hour or day") @QueryParam("window") String window,
            @Parameter(description = "Service tokens only: the tenant to read") @QueryParam("tenant") Integer tenant) {
        Caller c = caller.get();
        int tenantId = TenantAccess.actingTenant(c, tenant);
        Meter m = meter(meter);
        Granularity g = window == null ? Granularity.HOUR : Granularity.parse(window).orElseThrow(() ->
                HartonomousException.invalid("window must be minute, hour or day."));
        Instant end = to == null ? Instant.now() : instant("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : instant("from", from);
        return usage.summary(tenantId, m, g, start, end);
    }

    public static Meter meter(String wire) {
        return Meter.parse(wire).orElseThrow(() -> HartonomousException.invalid(
                (wire == null ? "meter is required" : "Unknown meter '" + wire + "'") + "; valid meters: " + Meter.names() + "."));
    }

    private static Instant instant(String name, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw HartonomousException.invalid(name + " must be ISO-8601 with an offset, e.g. 2026-04-01T00:00:00Z.");
        }
    }
}
