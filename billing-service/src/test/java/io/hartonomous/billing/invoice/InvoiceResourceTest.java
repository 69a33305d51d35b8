package io.hartonomous.billing.invoice;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.hartonomous.billing.TestingBilling.admin;
import static io.hartonomous.billing.TestingBilling.concurrently;
import static io.hartonomous.billing.TestingBilling.event;
import static io.hartonomous.billing.TestingBilling.freshTenant;
import static io.hartonomous.billing.TestingBilling.operator;
import static io.hartonomous.billing.TestingBilling.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class InvoiceResourceTest {

    @Inject
    Database database;

    @Test
    void issuesAnInvoiceOncePricedByTheTieredRateCard() {
        int tenant = freshTenant();
        Instant now = Instant.now().minusSeconds(1);
        String period = YearMonth.from(now.atZone(ZoneOffset.UTC)).toString();
        // searches: first 1000 free, then 100 micros each (the seeded rate card); embeddings 20 micros each
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(java.util.stream.IntStream.range(0, 1005)
                        .mapToObj(i -> event("s" + i, "searches", 1, now)).limit(1000).toList())
                .when().post("/api/v1/usage/batch").then().statusCode(200).body("accepted", equalTo(1000));
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(
                        event("s1000", "searches", 1, now), event("s1001", "searches", 1, now), event("e", "embeddings", 7, now)))
                .when().post("/api/v1/usage/batch").then().statusCode(200).body("accepted", equalTo(3));

        Invoice invoice = given().auth().oauth2(admin(tenant)).queryParam("period", period)
                .when().post("/api/v1/invoices")
                .then().statusCode(201).extract().as(Invoice.class);

        assertThat(invoice.kind()).isEqualTo("invoice");
        assertThat(invoice.lines()).extracting(Invoice.Line::meter, Invoice.Line::quantity, Invoice.Line::amountMicros)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("searches", 1002L, 200L),
                        org.assertj.core.groups.Tuple.tuple("embeddings", 7L, 140L));
        assertThat(invoice.totalMicros()).isEqualTo(340);
        given().auth().oauth2(admin(tenant)).queryParam("period", period)
                .when().post("/api/v1/invoices")
                .then().statusCode(200).body("invoiceId", equalTo(invoice.invoiceId().toString()));
    }

    @Test
    void issuedInvoiceIsImmutableAndCorrectedByACreditNoteExportedAsCsv() {
        int tenant = freshTenant();
        Instant now = Instant.now().minusSeconds(1);
        String period = YearMonth.from(now.atZone(ZoneOffset.UTC)).toString();
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(event("i1", "ingest_jobs", 1, now))
                .when().post("/api/v1/usage").then().statusCode(201);
        UUID id = UUID.fromString(given().auth().oauth2(admin(tenant)).queryParam("period", period)
                .when().post("/api/v1/invoices").then().statusCode(201).extract().path("invoiceId"));

        assertThatThrownBy(() -> database.pool().preparedQuery("UPDATE dbo.BillingInvoice SET TotalMicros = 0 WHERE InvoiceId = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10))).hasMessageContaining("immutable");
        assertThatThrownBy(() -> database.pool().preparedQuery("DELETE FROM dbo.BillingInvoiceLine WHERE InvoiceId = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10))).hasMessageContaining("immutable");

        given().auth().oauth2(operator()).contentType(ContentType.JSON).queryParam("tenant", tenant)
                .body(Map.of("amountMicros", 400, "reason", "goodwill, \"partial\""))
                .when().post("/api/v1/invoices/" + id + "/credit-notes")
                .then().statusCode(201).body("kind", equalTo("credit_note")).body("totalMicros", equalTo(-400))
                .body("correctsInvoiceId", equalTo(id.toString()));
        given().auth().oauth2(operator()).contentType(ContentType.JSON).queryParam("tenant", tenant)
                .body(Map.of("amountMicros", 601, "reason", "too much"))
                .when().post("/api/v1/invoices/" + id + "/credit-notes").then().statusCode(409);
        given().auth().oauth2(user(tenant)).queryParam("period", period).when().get("/api/v1/invoices")
                .then().statusCode(200).body("size()", equalTo(2));

        String csv = given().auth().oauth2(user(tenant)).accept("text/csv").when().get("/api/v1/invoices/" + id)
                .then().statusCode(200).contentType(containsString("text/csv")).extract().asString();
        assertThat(csv.split("\r\n")).hasSize(2);
        assertThat(csv).startsWith(InvoiceCsv.HEADER).contains(id + "," + tenant + "," + period + ",invoice,,USD,1,ingest_jobs,1,1000,");
        given().auth().oauth2(user(tenant)).accept(ContentType.JSON).when().get("/api/v1/invoices/" + id)
                .then().statusCode(200).body("totalMicros", equalTo(1000)).body("lines[0].meter", equalTo("ingest_jobs"));
    }

    @Test
    void concurrentCreditNotesNeverTogetherExceedTheInvoiceTotal() {
        int tenant = freshTenant();
        Instant now = Instant.now().minusSeconds(1);
        String period = YearMonth.from(now.atZone(ZoneOffset.UTC)).toString();
        // 3 ingest jobs at 1000 micros each: a total of 3000
        given().auth().oauth2(user(tenant)).contentType(ContentType.JSON).body(List.of(event("j1", "ingest_jobs", 1, now),
                        event("j2", "ingest_jobs", 1, now), event("j3", "ingest_jobs", 1, now)))
                .when().post("/api/v1/usage/batch").then().statusCode(200).body("accepted", equalTo(3));
        Invoice invoice = given().auth().oauth2(operator()).queryParam("period", period).queryParam("tenant", tenant)
                .when().post("/api/v1/invoices").then().statusCode(201).extract().as(Invoice.class);
        assertThat(invoice.totalMicros()).isEqualTo(3000);

        // 20 notes of 400: at most 7 fit (2800); together they would be 8000
        List<ExtractableResponse<Response>> answers = concurrently(20, i -> given().auth().oauth2(operator())
                .contentType(ContentType.JSON).queryParam("tenant", tenant).body(Map.of("amountMicros", 400, "reason", "race " + i))
                .when().post("/api/v1/invoices/" + invoice.invoiceId() + "/credit-notes").then().extract());

        assertThat(answers).extracting(ExtractableResponse::statusCode).containsOnly(201, 409);
        assertThat(answers.stream().filter(a -> a.statusCode() == 201)).hasSize(7);
        assertThat(answers.stream().filter(a -> a.statusCode() == 409)).hasSize(13).allSatisfy(a -> {
            assertThat(a.contentType()).startsWith("application/problem+json");
            assertThat(a.jsonPath().getString("detail")).contains("never exceed its total").contains("200 of 3000");
        });
        List<Invoice> documents = given().auth().oauth2(user(tenant)).queryParam("period", period)
                .when().get("/api/v1/invoices").then().statusCode(200).extract().jsonPath().getList("", Invoice.class);
        assertThat(documents.stream().mapToLong(Invoice::totalMicros).sum()).isEqualTo(200);
    }

    @Test
    void validatesPeriodsRolesAndTheRateCard() {
        int tenant = freshTenant();
        given().auth().oauth2(admin(tenant)).queryParam("period", "2026-13").when().post("/api/v1/invoices")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(admin(tenant)).queryParam("period", "2999-01").when().post("/api/v1/invoices")
                .then().statusCode(400);
        given().auth().oauth2(user(tenant)).queryParam("period", "2026-01").when().post("/api/v1/invoices")
                .then().statusCode(403);
        given().auth().oauth2(user(tenant)).when().get("/api/v1/rate-card")
                .then().statusCode(200).body("find { it.meter == 'searches' }.tiers.size()", equalTo(2));
        given().auth().oauth2(operator()).contentType(ContentType.JSON)
                .body(Map.of("currency", "USD", "tiers", List.of(Map.of("upTo", 10, "unitPriceMicros", 1))))
                .when().put("/api/v1/admin/rate-card/inference_ms").then().statusCode(400);
        given().auth().oauth2(operator()).contentType(ContentType.JSON)
                .body(Map.of("currency", "EUR", "tiers", List.of(Map.of("unitPriceMicros", 1))))
                .when().put("/api/v1/admin/rate-card/inference_ms").then().statusCode(400);
    }
}
