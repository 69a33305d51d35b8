package io.hartonomous.cli.billing;

import io.hartonomous.cli.ServiceClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** {@code usage} and {@code quota}: a thin client of the billing-service API. */
public final class BillingCommands {

    private BillingCommands() {
    }

    /** A command that calls the billing-service. */
    abstract static class Client extends ServiceClient {
        @Override
        protected String urlVariable() {
            return "HARTONOMOUS_BILLING_URL";
        }

        @Override
        protected String defaultUrl() {
            return "http://localhost:8085";
        }
    }

    @Command(name = "usage", description = "Send usage events and read usage summaries.",
            subcommands = {Send.class, Summary.class})
    public static final class Usage {
    }

    @Command(name = "send", description = "Record one usage event (idempotent by its key).")
    public static final class Send extends Client {
        @Parameters(index = "0", description = "Meter, e.g. searches")
        String meter;

        @Parameters(index = "1", description = "Quantity (a non-negative integer)")
        long quantity;

        @Option(names = "--key", description = "Idempotency key (default: a random UUID; reuse it to resend safely)")
        String key;

        @Option(names = "--at", description = "ISO-8601 timestamp (default: now)")
        String at;

        @Option(names = "--reservation", description = "Reservation id the usage commits")
        String reservation;

        @Option(names = "--subject", description = "What is counted distinctly, for unique-count meters (models_used: the model's hash)")
        String subject;

        @Override
        public HttpRequest request() {
            StringBuilder body = new StringBuilder("{\"idempotencyKey\":").append(json(key == null ? UUID.randomUUID().toString() : key))
                    .append(",\"meter\":").append(json(meter)).append(",\"quantity\":").append(quantity)
                    .append(",\"timestamp\":").append(json(at == null ? Instant.now().toString() : at));
            if (reservation != null) {
                body.append(",\"reservationId\":").append(json(reservation));
            }
            if (subject != null) {
                body.append(",\"subject\":").append(json(subject));
            }
            return to("/api/v1/usage").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.append('}').toString())).build();
        }
    }

    @Command(name = "summary", description = "Usage of a meter per minute, hour or day.")
    public static final class Summary extends Client {
        @Parameters(index = "0", description = "Meter")
        String meter;

        @Option(names = "--window", defaultValue = "hour", description = "minute, hour or day (default ${DEFAULT-VALUE})")
        String window;

        @Option(names = "--from", description = "ISO-8601 start (default: 24 h ago)")
        String from;

        @Option(names = "--to", description = "ISO-8601 end (default: now)")
        String to;

        @Override
        public HttpRequest request() {
            return to("/api/v1/usage/summary" + query(Map.of("meter", meter, "window", window), "from", from, "to", to)).GET().build();
        }
    }

    @Command(name = "quota", description = "Show quotas, reserve against them, release reservations; set limits (admin).",
            subcommands = {Show.class, Reserve.class, ShowReservation.class, Release.class, SetLimit.class, ResetLimit.class})
    public static final class Quota {
    }

    @Command(name = "show", description = "The caller's quotas: limit, used, reserved, remaining per meter.")
    public static final class Show extends Client {
        @Override
        public HttpRequest request() {
            return to("/api/v1/quotas").GET().build();
        }
    }

    @Command(name = "reserve", description = "Reserve an amount of a meter's quota; prints the reservation id.")
    public static final class Reserve extends Client {
        @Parameters(index = "0", description = "Meter")
        String meter;

        @Parameters(index = "1", description = "Amount (a positive integer)")
        long amount;

        @Option(names = "--ttl", description = "Seconds until the reservation expires (default: the service's)")
        Long ttlSeconds;

        @Override
        public HttpRequest request() {
            String body = "{\"amount\":" + amount + (ttlSeconds == null ? "" : ",\"ttlSeconds\":" + ttlSeconds) + "}";
            return to("/api/v1/quotas/" + URLEncoder.encode(meter, StandardCharsets.UTF_8) + "/reservations")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }
    }

    @Command(name = "reservation", description = "One reservation of the caller's tenant: meter, amount, status.")
    public static final class ShowReservation extends Client {
        @Parameters(index = "0", description = "Reservation id")
        String id;

        @Override
        public HttpRequest request() {
            return to("/api/v1/quotas/reservations/" + segment(id)).GET().build();
        }
    }

    @Command(name = "release", description = "Release an active reservation, freeing its whole amount.")
    public static final class Release extends Client {
        @Parameters(index = "0", description = "Reservation id (as printed by quota reserve)")
        String id;

        @Override
        public HttpRequest request() {
            return to("/api/v1/quotas/reservations/" + segment(id)).DELETE().build();
        }
    }

    @Command(name = "set", description = "Set a tenant's limit of a meter (admin: its own tenant up to the default; "
            + "the operator's admin: any tenant, any limit).")
    public static final class SetLimit extends Client {
        @Parameters(index = "0", description = "Tenant id")
        int tenant;

        @Parameters(index = "1", description = "Meter")
        String meter;

        @Parameters(index = "2", description = "Limit (a non-negative integer)")
        long limit;

        @Override
        public HttpRequest request() {
            return to("/api/v1/admin/tenants/" + tenant + "/quotas/" + segment(meter)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"limit\":" + limit + "}")).build();
        }
    }

    @Command(name = "reset", description = "Reset a tenant's limit of a meter to the configured default (admin).")
    public static final class ResetLimit extends Client {
        @Parameters(index = "0", description = "Tenant id")
        int tenant;

        @Parameters(index = "1", description = "Meter")
        String meter;

        @Override
        public HttpRequest request() {
            return to("/api/v1/admin/tenants/" + tenant + "/quotas/" + segment(meter)).DELETE().build();
        }
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String query(Map<String, String> required, String... optional) {
        StringBuilder q = new StringBuilder();
        required.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> append(q, e.getKey(), e.getValue()));
        for (int i = 0; i + 1 < optional.length; i += 2) {
            if (optional[i + 1] != null) {
                append(q, optional[i], optional[i + 1]);
            }
        }
        return q.toString();
    }

    private static void append(StringBuilder q, String name, String value) {
        q.append(q.isEmpty() ? '?' : '&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
