package io.hartonomous.common.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request a trace id: the trace id of an incoming W3C {@code traceparent} header, else
 * a fresh random one. It is echoed in {@code X-Trace-Id}, put in the log MDC as {@code traceId},
 * and carried by every problem document, so a user's report can be matched to our logs.
 */
public final class TraceIds {

    public static final String HEADER = "X-Trace-Id";
    static final String PROPERTY = "hartonomous.traceId";
    private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String traceId = fromTraceparent(request.getHeaderString("traceparent"));
        request.setProperty(PROPERTY, traceId);
        MDC.put("traceId", traceId);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle(HEADER, of(request));
    }

    /** The request's trace id; a fresh one if the request never passed the filter. */
    public static String of(ContainerRequestContext request) {
        Object id = request == null ? null : request.getProperty(PROPERTY);
        if (id instanceof String s) {
            return s;
        }
        String fresh = random();
        if (request != null) {
            request.setProperty(PROPERTY, fresh);
        }
        return fresh;
    }

    static String fromTraceparent(String header) {
        if (header != null) {
            var m = TRACEPARENT.matcher(header.trim());
            if (m.matches() && !m.group(1).equals("0".repeat(32))) {
                return m.group(1);
            }
        }
        return random();
    }

    private static String random() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
