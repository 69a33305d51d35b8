package io.hartonomous.atom.ingest;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.testing.TestingPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.atom.ingest.CorpusRoundTripTest.resource;
import static io.hartonomous.atom.ingest.CorpusRoundTripTest.sha256;
import static io.hartonomous.atom.ingest.TestingIngest.atoms;
import static io.hartonomous.atom.ingest.TestingIngest.content;
import static io.hartonomous.atom.ingest.TestingIngest.live;
import static io.hartonomous.atom.ingest.TestingIngest.post;
import static io.hartonomous.atom.ingest.TestingIngest.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Tar archives of files, made by the system's GNU tar from real files: the archive rebuilds byte
 * for byte, each file becomes a root of its own (its modality's tree, its own pin, its own name),
 * files dedupe against content ingested alone, and broken archives leave nothing live.
 */
@QuarkusTest
@QuarkusTestResource(TestingPostgresResource.class)
class ArchiveIngestTest {

    /** Archive path → corpus file. */
    static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put("docs/GPL-3.txt", "GPL-3.txt");
        FILES.put("src/main/java/java/util/Objects.java", "Objects.java");
        FILES.put("data/debian.csv", "debian.csv");
        FILES.put("tools/colorsys.py", "colorsys.py");
        // over 100 characters: GNU tar writes a long-name record before the header
        FILES.put("a/deeply/nested/directory/with/a/name/long/enough/to/need/an/extended/header/record/in/the/archive/"
                + "tzdata-copyright", "tzdata-copyright");
    }

    @Inject
    Database db;

    @Test
    void anArchiveRebuildsAndEachFileIsARootOfItsOwn() throws Exception {
        int tenant = 7101;
        byte[] tar = tar(FILES);
        String root = sha256(tar);
        post(tenant, "corpus.tar", tar).then().statusCode(201)
                .body("status", equalTo("Completed")).body("rootHash", equalTo(root));
        assertThat(content(tenant, root)).isEqualTo(tar);

        for (Map.Entry<String, String> f : FILES.entrySet()) {
            byte[] file = resource(f.getValue());
            String hash = sha256(file);
            assertThat(content(tenant, hash)).as(f.getKey()).isEqualTo(file);
            assertThat(TestingStore.count(db, """
                    SELECT COUNT(*) FROM dbo.AtomRoot WHERE TenantId = %d AND encode(RootHash, 'hex') = '%s'
                      AND SourceName = '%s'""".formatted(tenant, hash, "corpus.tar/" + f.getKey())))
                    .as("pin of %s", f.getKey()).isEqualTo(1);
        }
        // files keep their own modality inside the archive
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(resource("Objects.java")))
                .then().statusCode(200).body("modality", equalTo("code"));
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(resource("GPL-3.txt")))
                .then().statusCode(200).body("modality", equalTo("text"));
        given().auth().oauth2(token(tenant)).queryParam("size", 100).when().get("/api/v1/roots")
                .then().statusCode(200).body(containsString("corpus.tar/data/debian.csv"));
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();

        // the same archive again: no atom written; a file of it alone: no atom written either
        long before = atoms(db, tenant);
        post(tenant, "again.tar", tar).then().statusCode(201).body("atomsCreated", equalTo(0));
        post(tenant, "Objects.java", resource("Objects.java")).then().statusCode(201).body("atomsCreated", equalTo(0));
        assertThat(atoms(db, tenant)).isEqualTo(before);

        // unpinning a file of the archive leaves the archive and its other files pinned (the file lives
        // on inside the archive)
        String py = sha256(resource("colorsys.py"));
        long pinsBefore = TestingIngest.pins(db, tenant);
        given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + py).then().statusCode(200);
        // (again.tar was known content: that job pinned the archive only)
        assertThat(TestingIngest.pins(db, tenant)).isEqualTo(pinsBefore - 1);
        assertThat(live(db, tenant)).containsKey(py).containsKey(root).containsKey(sha256(resource("debian.csv")));
        assertThat(content(tenant, root)).isEqualTo(tar);

        // unpinning the archive unpins the files its ingestions pinned, and keeps the file pinned on its own alive
        given().auth().oauth2(token(tenant)).when().delete("/api/v1/roots/" + root).then().statusCode(200);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
        assertThat(live(db, tenant)).containsKey(sha256(resource("Objects.java")))
                .doesNotContainKey(root).doesNotContainKey(sha256(resource("debian.csv")));
        assertThat(TestingIngest.pins(db, tenant)).isEqualTo(1);
    }

    @Test
    void filesIngestedBeforeAreReusedByTheArchive() throws Exception {
        int tenant = 7102;
        byte[] gpl = resource("GPL-3.txt");
        post(tenant, "GPL-3.txt", gpl).then().statusCode(201);
        long before = atoms(db, tenant);
        byte[] tar = tar(Map.of("GPL-3.txt", "GPL-3.txt"));
        int created = post(tenant, "one.tar", tar).then().statusCode(201).extract().path("atomsCreated");
        // only headers, padding and the archive node are new
        assertThat(atoms(db, tenant) - before).isEqualTo(created).isLessThan(40);
        assertThat(content(tenant, sha256(tar))).isEqualTo(tar);
    }

    @Test
    void brokenArchivesAreRefusedAndLeaveNothingLive() throws Exception {
        int tenant = 7103;
        post(tenant, "baseline", resource("GPL-3.txt")).then().statusCode(201);
        byte[] tar = tar(FILES);
        Map<String, Long> liveBefore = live(db, tenant);
        long pinsBefore = TestingIngest.pins(db, tenant);

        // cut inside the second file
        byte[] truncated = Arrays.copyOf(tar, 512 + padded(resource("GPL-3.txt").length) + 512 + 1000);
        refused(tenant, "truncated.tar", truncated, "truncated");

        // a header whose checksum fails (one name byte changed after the first file)
        byte[] corrupt = tar.clone();
        int second = 512 + padded(resource("GPL-3.txt").length);
        corrupt[second + 3] ^= 0x20;
        refused(tenant, "corrupt.tar", corrupt, "checksum");

        // a lying header: the first entry claims 8 GB (checksum recomputed so that it is read)
        byte[] lying = tar.clone();
        byte[] size = String.format("%011o", (1L << 33) - 1).getBytes();
        System.arraycopy(size, 0, lying, 124, 11);
        fixChecksum(lying, 0);
        refused(tenant, "lying.tar", lying, "more than the whole archive");

        assertThat(live(db, tenant)).isEqualTo(liveBefore);
        assertThat(TestingIngest.pins(db, tenant)).isEqualTo(pinsBefore);
        assertThat(TestingStore.countMismatches(db, tenant)).isEmpty();
    }

    private void refused(int tenant, String name, byte[] body, String reason) {
        post(tenant, name, body).then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString(reason));
        given().auth().oauth2(token(tenant)).when().get("/api/v1/atoms/" + sha256(body)).then().statusCode(404);
    }

    private static int padded(int size) {
        return (size + 511) / 512 * 512;
    }

    private static void fixChecksum(byte[] tar, int header) {
        Arrays.fill(tar, header + 148, header + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[header + i] & 0xff;
        }
        byte[] field = String.format("%06o\0 ", sum).getBytes();
        System.arraycopy(field, 0, tar, header + 148, 8);
    }

    /** A GNU tar archive of corpus files under the given paths, in the given order. */
    static byte[] tar(Map<String, String> files) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("archive-test");
        try {
            List<String> command = new ArrayList<>(List.of("tar", "--format=gnu", "--owner=0", "--group=0", "--numeric-owner",
                    "--mtime=2024-01-01 00:00Z", "-cf", dir.resolve("out.tar").toString(), "-C", dir.resolve("in").toString()));
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path target = dir.resolve("in").resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, resource(f.getValue()));
                command.add(f.getKey());
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("tar: %s", out).isZero();
            return Files.readAllBytes(dir.resolve("out.tar"));
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
