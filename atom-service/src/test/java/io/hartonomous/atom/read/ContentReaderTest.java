package io.hartonomous.atom.read;

import io.hartonomous.atom.store.AtomRecord;
import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.Tx;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reader on real files of six modalities (text, code, image, audio, database, binary; the
 * corpus round trip covers models and git too) ingested over HTTP into a real PostgreSQL: every range
 * (single bytes at both ends, across a 64-byte leaf boundary, thirds) is the exact slice, it reads
 * only the caller's tenant, and a store missing a component of a composite is an error, never
 * content of the wrong length.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class ContentReaderTest {

    private static final AtomicInteger TENANTS = new AtomicInteger(34_000);

    @Inject
    ContentReader reader;

    @Inject
    AtomRepository atoms;

    @Inject
    Database db;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GPL-3.txt", "invalid-utf8.txt", "Objects.java", "ring-buffer.ts", "python.png", "python.bmp",
            "pluck-pcm16.wav", "debian.csv", "cmake-v143_CSharp.jsonl", "underscore.min.js.gz"})
    void everyRangeOfARealFileIsItsExactSlice(String name) throws IOException {
        int tenant = TENANTS.incrementAndGet();
        byte[] input = resource(name);
        AtomRecord atom = ingest(tenant, name, input);

        int n = input.length;
        long[][] ranges = {{0, n - 1}, {n / 3, 2 * n / 3}, {0, 0}, {n - 1, n - 1}, {n - 77, n - 1}, {5, 70}, {63, 64}};
        for (long[] r : ranges) {
            assertThat(read(tenant, atom, r[0], r[1])).as("bytes %d-%d", r[0], r[1])
                    .isEqualTo(Arrays.copyOfRange(input, (int) r[0], (int) r[1] + 1));
        }
    }

    @Test
    void anotherTenantsReadFindsNoComponents() throws IOException {
        int owner = TENANTS.incrementAndGet();
        int other = TENANTS.incrementAndGet();
        AtomRecord atom = ingest(owner, "Objects.java", resource("Objects.java"));

        assertThatThrownBy(() -> read(other, atom, 0, atom.length() - 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has no stored components");
        assertThat(read(owner, atom, 0, atom.length() - 1)).hasSize((int) atom.length());
    }

    @ParameterizedTest(name = "the last component of a composite at depth {0}")
    @ValueSource(ints = {0, 1})
    void aCompositeMissingAComponentIsAnErrorNotShorterContent(int depth) throws IOException {
        int tenant = TENANTS.incrementAndGet();
        AtomRecord atom = ingest(tenant, "Apache-2.0", resource("Apache-2.0"));
        // break the store on purpose: the root's last edge goes, or the last edge of its first composite component
        ContentHash parent = depth == 0 ? atom.hash() : atoms.componentPage(tenant, atom.hash(), 0, 1000).stream()
                .filter(c -> c.length() > c.value().length).findFirst().orElseThrow().child();
        Tx.execute(db, db.dialect().render("""
                DELETE FROM dbo.AtomComposition WHERE TenantId = ? AND ParentAtomHash = ? AND SequenceIndex =
                    (SELECT MAX(SequenceIndex) FROM dbo.AtomComposition WHERE TenantId = ? AND ParentAtomHash = ?)"""),
                List.of(tenant, parent.bytes(), tenant, parent.bytes()), "break a tree");

        assertThatThrownBy(() -> read(tenant, atom, 0, atom.length() - 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(parent + " rebuilds to")
                .hasMessageContaining("components are missing");
    }

    private AtomRecord ingest(int tenant, String name, byte[] input) {
        String sha = given().auth().oauth2(TestingTokens.token(tenant, "ingest")).contentType("application/octet-stream")
                .body(input).queryParam("name", name).queryParam("wait", true)
                .when().post("/api/v1/ingest").then().statusCode(201).extract().path("rootHash");
        assertThat(sha).isEqualTo(ContentHash.sha256(input).hex());
        return atoms.find(tenant, ContentHash.parse(sha)).orElseThrow();
    }

    private byte[] read(int tenant, AtomRecord atom, long from, long to) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reader.write(tenant, atom, from, to, out);
        return out.toByteArray();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ContentReaderTest.class.getClassLoader().getResourceAsStream("corpus/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
