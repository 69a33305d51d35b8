package io.hartonomous.atom.ingest;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingTokens;
import io.restassured.response.Response;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;

/** Calls of the end-to-end tests over HTTP, and the store's state read straight in SQL. */
final class TestingIngest {

    private TestingIngest() {
    }

    /** A token of {@code tenant} with every user role. */
    static String token(int tenant) {
        return TestingTokens.token(tenant, "ingest", "search", "admin");
    }

    /** POST /api/v1/ingest?name=…&wait=true, whatever the answer. */
    static Response post(int tenant, String name, byte[] body) {
        return given().auth().oauth2(token(tenant)).contentType("application/octet-stream").body(body)
                .queryParam("name", name).queryParam("wait", true)
                .when().post("/api/v1/ingest");
    }

    static byte[] content(int tenant, String hash) {
        return given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + hash + "/content")
                .then().statusCode(200).extract().asByteArray();
    }

    static void gc(int tenant) {
        given().auth().oauth2(token(tenant)).when().post("/api/v1/admin/gc")
                .then().statusCode(200);
    }

    /** The tenant's atoms with a reference count above zero: hex hash → count. */
    static Map<String, Long> live(Database db, int tenant) {
        var rows = db.pool().query("""
                SELECT encode(ContentHash, 'hex'), ReferenceCount FROM dbo.Atom
                WHERE TenantId = %d AND ReferenceCount > 0""".formatted(tenant)).execute()
                .await().atMost(Duration.ofSeconds(30));
        Map<String, Long> out = new TreeMap<>();
        rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
        return out;
    }

    static long atoms(Database db, int tenant) {
        return TestingStore.count(db, "SELECT COUNT(*) FROM dbo.Atom WHERE TenantId = " + tenant);
    }

    static long pins(Database db, int tenant) {
        return TestingStore.count(db, "SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = " + tenant);
    }
}
