package io.hartonomous.common.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.error.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * Renders every failure as {@code application/problem+json} (RFC 9457) with the stable
 * {@link ErrorCode}, a detail safe to show, and the trace id. Internal errors are logged with
 * the trace id and answered without their message.
 */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response hartonomous(HartonomousException e, ContainerRequestContext request) {
        if (e.code() == ErrorCode.INTERNAL) {
            LOG.errorf(e, "internal error, traceId=%s", TraceIds.of(request));
        }
        return respond(e.code(), e.getMessage(), e.extensions(), request);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, ContainerRequestContext request) {
        return respond(ErrorCode.UNAUTHENTICATED, "A bearer token is required.", Map.of(), request);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, ContainerRequestContext request) {
        return respond(ErrorCode.UNAUTHENTICATED,
                "The bearer token is invalid, expired or not signed by a trusted key.", Map.of(), request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
        return respond(ErrorCode.FORBIDDEN, "The token does not carry a role this operation requires.", Map.of(), request);
    }

    @ServerExceptionMapper
    public Response mismatchedJson(com.fasterxml.jackson.databind.exc.MismatchedInputException e,
                                   ContainerRequestContext request) {
        return badJson(e, request);
    }

    @ServerExceptionMapper
    public Response unparsableJson(com.fasterxml.jackson.core.JsonParseException e, ContainerRequestContext request) {
        return badJson(e, request);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, ContainerRequestContext request) {
        return respond(ErrorCode.INVALID_REQUEST, "The request body is not valid JSON for this operation: "
                + e.getOriginalMessage(), Map.of(), request);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, ContainerRequestContext request) {
        int status = e.getResponse().getStatus();
        ErrorCode code = switch (status) {
            case 400 -> ErrorCode.INVALID_REQUEST;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 416 -> ErrorCode.RANGE_NOT_SATISFIABLE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.DEPENDENCY_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
        };
        if (code == ErrorCode.INTERNAL) {
            LOG.errorf(e, "internal error, traceId=%s", TraceIds.of(request));
        }
        String detail = code == ErrorCode.INTERNAL || e.getMessage() == null ? code.title() : e.getMessage();
        return respond(code, detail, Map.of(), request);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, ContainerRequestContext request) {
        String traceId = TraceIds.of(request);
        LOG.errorf(e, "unexpected error, traceId=%s", traceId);
        return respond(ErrorCode.INTERNAL, "An internal error occurred; quote trace id " + traceId + " when reporting it.",
                Map.of(), request);
    }

    static Response respond(ErrorCode code, String detail, Map<String, Object> extensions, ContainerRequestContext request) {
        String traceId = TraceIds.of(request);
        String instance = request == null ? null : request.getUriInfo().getPath();
        Response.ResponseBuilder response = Response.status(code.httpStatus())
                .type(Problem.MEDIA_TYPE)
                .header(TraceIds.HEADER, traceId)
                .entity(Problem.of(code, detail, instance, traceId, extensions));
        if (code == ErrorCode.UNAUTHENTICATED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"hartonomous\"");
        }
        if (code == ErrorCode.RANGE_NOT_SATISFIABLE && extensions.get("size") instanceof Number size) {
            // RFC 9110 15.5.17: a 416 names the representation's current length
            response.header("Content-Range", "bytes */" + size.longValue());
        }
        return response.build();
    }
}
