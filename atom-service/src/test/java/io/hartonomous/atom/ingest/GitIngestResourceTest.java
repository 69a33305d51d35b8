package io.hartonomous.atom.ingest;

import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizers;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TestingRepositories;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.git.GitAtomizer;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.hartonomous.common.testing.TestingTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class GitIngestResourceTest {

    private static final int TENANT = 9_301;

    @Inject
    Database db;

    @TempDir
    Path temp;

    @Test
    void ingestsABundleAndRebuildsItAndItsRepositoryView() throws Exception {
        byte[] bundle;
        byte[] mergeCommit;
        try (TestingRepositories repo = new TestingRepositories(temp)) {
            bundle = repo.bundle();
            mergeCommit = repo.raw(repo.merge);
        }
        String token = TestingTokens.token(TENANT, "ingest", "search", "admin");
        Map<String, Object> job = given().auth().oauth2(token).contentType("application/octet-stream").body(bundle)
                .queryParam("name", "demo.bundle").queryParam("wait", true)
                .when().post("/api/v1/ingest")
                .then().statusCode(201).extract().jsonPath().getMap("");
        String root = ContentHash.sha256(bundle).hex();
        assertThat(job).containsEntry("rootHash", root).containsEntry("status", "Completed");

        assertThat(content(token, root)).isEqualTo(bundle);
        given().auth().oauth2(token).when().get("/api/v1/atoms/" + root)
                .then().statusCode(200).body("modality", equalTo("git"));

        ContentHash view = repositoryView(bundle);
        assertThat(content(token, view.hex())).hasSizeGreaterThan(bundle.length / 2);
        given().auth().oauth2(token).when().get("/api/v1/atoms/" + view.hex())
                .then().statusCode(200).body("modality", equalTo("git")).body("referenceCount", equalTo(1));
        String merge = ContentHash.sha256(mergeCommit).hex();
        assertThat(content(token, merge)).isEqualTo(mergeCommit);
        assertThat(TestingStore.count(db, """
                SELECT COUNT(*) FROM dbo.AtomRelation r JOIN dbo.Atom s ON s.AtomId = r.SourceAtomId
                WHERE r.TenantId = %d AND r.RelationType = 'derives_from' AND encode(s.ContentHash, 'hex') = '%s'"""
                .formatted(TENANT, merge))).isEqualTo(2);
        assertThat(TestingStore.countMismatches(db, TENANT)).isEmpty();
    }

    private static byte[] content(String token, String hash) {
        return given().auth().oauth2(token).when().get("/api/v1/atoms/" + hash + "/content")
                .then().statusCode(200).extract().asByteArray();
    }

    /** The repository view's root, as the atomizer computes it. */
    private static ContentHash repositoryView(byte[] bundle) throws Exception {
        ContentHash[] view = new ContentHash[1];
        AtomizeContext context = new AtomizeContext() {
            @Override
            public void derivedRoot(TreeWriter.Ref root, String relationType) {
                view[0] = root.hash();
            }

            @Override
            public void relation(ContentHash source, ContentHash target, String relationType, Double weight) {
            }
        };
        Sniff sniff = new Sniff("demo.bundle", Arrays.copyOf(bundle, 4096), bundle.length);
        var git = new Atomizers().choose(sniff);
        assertThat(git).isInstanceOf(GitAtomizer.class);
        TreeWriter tree = new TreeWriter(node -> {
        });
        git.atomize(new ByteArrayInputStream(bundle), sniff, tree, context);
        tree.finish();
        return view[0];
    }
}
