package io.hartonomous.cli.billing;

import io.hartonomous.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BillingCommandsTest {

    @Test
    void sendBuildsAnIdempotentEventFromArguments() {
        BillingCommands.Send send = parse(BillingCommands.Send.class, "usage", "send", "searches", "3", "--key", "k\"1",
                "--at", "2026-04-01T00:00:00Z", "--reservation", "r-1", "--url", "http://billing:9/", "--token", "t");

        HttpRequest request = send.request();

        assertThat(request.uri().toString()).isEqualTo("http://billing:9/api/v1/usage");
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.headers().firstValue("Authorization")).contains("Bearer t");
        assertThat(body(request)).isEqualTo("{\"idempotencyKey\":\"k\\\"1\",\"meter\":\"searches\",\"quantity\":3,"
                + "\"timestamp\":\"2026-04-01T00:00:00Z\",\"reservationId\":\"r-1\"}");
    }

    @Test
    void urlAndTokenComeFromTheEnvironmentByDefault() {
        BillingCommands.Show show = parse(BillingCommands.Show.class, "quota", "show");
        show.env = Map.of("HARTONOMOUS_BILLING_URL", "http://elsewhere:1", "HARTONOMOUS_TOKEN", "env-token")::get;

        HttpRequest request = show.request();

        assertThat(request.uri().toString()).isEqualTo("http://elsewhere:1/api/v1/quotas");
        assertThat(request.headers().firstValue("Authorization")).contains("Bearer env-token");
        show.env = Map.<String, String>of()::get;
        assertThatThrownBy(show::request).hasMessageContaining("HARTONOMOUS_TOKEN");
        show.token = "x";
        assertThat(show.request().uri().toString()).isEqualTo("http://localhost:8085/api/v1/quotas");
    }

    @Test
    void summaryAndReserveEncodeTheirArguments() {
        BillingCommands.Summary summary = parse(BillingCommands.Summary.class, "usage", "summary", "bytes_ingested",
                "--window", "day", "--from", "2026-04-01T00:00:00+02:00", "--token", "t");
        BillingCommands.Reserve reserve = parse(BillingCommands.Reserve.class, "quota", "reserve", "atoms_stored", "500",
                "--ttl", "60", "--token", "t");

        assertThat(summary.request().uri().toString()).isEqualTo("http://localhost:8085/api/v1/usage/summary"
                + "?meter=bytes_ingested&window=day&from=2026-04-01T00%3A00%3A00%2B02%3A00");
        assertThat(reserve.request().uri().getPath()).isEqualTo("/api/v1/quotas/atoms_stored/reservations");
        assertThat(body(reserve.request())).isEqualTo("{\"amount\":500,\"ttlSeconds\":60}");
    }

    @Test
    void releaseAndReservationAddressAReservationByIdAlone() {
        BillingCommands.Release release = parse(BillingCommands.Release.class, "quota", "release",
                "7f1c2a9e-0000-4000-8000-000000000001", "--token", "t");
        BillingCommands.ShowReservation show = parse(BillingCommands.ShowReservation.class, "quota", "reservation",
                "7f1c2a9e-0000-4000-8000-000000000001", "--token", "t");

        assertThat(release.request().method()).isEqualTo("DELETE");
        assertThat(release.request().uri().toString())
                .isEqualTo("http://localhost:8085/api/v1/quotas/reservations/7f1c2a9e-0000-4000-8000-000000000001");
        assertThat(show.request().method()).isEqualTo("GET");
        assertThat(show.request().uri().getPath()).isEqualTo("/api/v1/quotas/reservations/7f1c2a9e-0000-4000-8000-000000000001");
    }

    @Test
    void setAndResetAddressATenantsQuota() {
        BillingCommands.SetLimit set = parse(BillingCommands.SetLimit.class, "quota", "set", "42", "atoms_stored", "1000",
                "--token", "t");
        BillingCommands.ResetLimit reset = parse(BillingCommands.ResetLimit.class, "quota", "reset", "42", "atoms_stored",
                "--token", "t");

        assertThat(set.request().method()).isEqualTo("PUT");
        assertThat(set.request().uri().getPath()).isEqualTo("/api/v1/admin/tenants/42/quotas/atoms_stored");
        assertThat(body(set.request())).isEqualTo("{\"limit\":1000}");
        assertThat(reset.request().method()).isEqualTo("DELETE");
        assertThat(reset.request().uri().getPath()).isEqualTo("/api/v1/admin/tenants/42/quotas/atoms_stored");
    }

    @Test
    void sendCarriesTheSubjectOfAUniqueCountMeter() {
        BillingCommands.Send send = parse(BillingCommands.Send.class, "usage", "send", "models_used", "1", "--key", "k",
                "--at", "2026-04-01T00:00:00Z", "--subject", "sha256:ab", "--token", "t");

        assertThat(body(send.request())).isEqualTo("{\"idempotencyKey\":\"k\",\"meter\":\"models_used\",\"quantity\":1,"
                + "\"timestamp\":\"2026-04-01T00:00:00Z\",\"subject\":\"sha256:ab\"}");
    }

    @Test
    void rejectsANonNumericQuantity() {
        CommandLine cli = new CommandLine(new Main());
        assertThatThrownBy(() -> cli.parseArgs("usage", "send", "searches", "many"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    private static <T> T parse(Class<T> type, String... args) {
        CommandLine.ParseResult result = new CommandLine(new Main()).parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return type.cast(result.commandSpec().userObject());
    }

    private static String body(HttpRequest request) {
        List<ByteBuffer> parts = new ArrayList<>();
        request.bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<>() {
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            public void onNext(ByteBuffer item) {
                parts.add(item);
            }

            public void onError(Throwable t) {
                throw new AssertionError(t);
            }

            public void onComplete() {
            }
        });
        StringBuilder out = new StringBuilder();
        parts.forEach(b -> out.append(StandardCharsets.UTF_8.decode(b)));
        return out.toString();
    }
}
