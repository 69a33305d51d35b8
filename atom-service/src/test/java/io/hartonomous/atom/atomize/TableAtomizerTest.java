package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.database.TableAtomizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

class TableAtomizerTest {

    private final TableAtomizer tables = new TableAtomizer();

    @Test
    void roundTripsRealCsvWithTypedCells() throws Exception {
        for (String path : new String[]{"/usr/share/distro-info/debian.csv", "/usr/share/distro-info/ubuntu.csv"}) {
            byte[] csv = Files.exists(Path.of(path)) ? Files.readAllBytes(Path.of(path)) : generatedCsv().getBytes(StandardCharsets.UTF_8);
            assertThat(tables.score(sniff("distro.csv", csv))).isPositive();
            var result = TestingTrees.atomize(tables, "distro.csv", csv);
            assertThat(result.nodes()).anyMatch(n -> "row".equals(n.subtype()) && n instanceof AtomNode.Composite);
            assertThat(result.nodes()).anyMatch(n -> "date".equals(n.subtype()));
            assertThat(result.nodes()).anyMatch(n -> "delimiter".equals(n.subtype()));
        }
    }

    @Test
    void csvCellsAreTypedAndPlacedByColumnAndRow() throws Exception {
        byte[] csv = generatedCsv().getBytes(StandardCharsets.UTF_8);
        var result = TestingTrees.atomize(tables, "g.csv", csv);
        assertThat(result.nodes()).extracting(AtomNode::subtype).contains("integer", "decimal", "boolean", "string", "date", "newline");
        AtomNode.Composite row = (AtomNode.Composite) result.nodes().stream()
                .filter(n -> "row".equals(n.subtype()) && n instanceof AtomNode.Composite).reduce((a, b) -> b).orElseThrow();
        List<AtomNode.Position> cells = row.children().stream().map(AtomNode.Edge::position).filter(p -> p.x() != null).toList();
        assertThat(cells).extracting(AtomNode.Position::x).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0);
        // the header line is row 0
        assertThat(cells).allMatch(p -> Objects.equals(p.y(), 41.0) && p.m() != null);
    }

    @Test
    void quotedMultiLineCellsAndCrlfRoundTrip() throws Exception {
        String csv = "id,comment,amount\r\n"
                + "1,\"a comment, with a comma and a \"\"quote\"\", long enough to be more than sixty-four bytes\",3.5\r\n"
                + "2,\"spans\r\ntwo lines, and also this text is long enough for the row to be a composite\",-7\r\n"
                + "3,plain,0\r\n";
        var result = TestingTrees.atomize(tables, "q.csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(result.nodes()).filteredOn(n -> "row".equals(n.subtype())).hasSizeGreaterThanOrEqualTo(3);
        assertThat(result.nodes()).anyMatch(n -> "newline".equals(n.subtype()) && n.length() == 2);
        assertThat(result.nodes()).noneMatch(n -> "text".equals(n.modality()));
    }

    @Test
    void unbalancedQuoteFallsBackToTextFromThatRecord() throws Exception {
        String good = "name,value,note\n" + "alpha,1,fine\n".repeat(30);
        String csv = good + "beta,2,\"never closed, and the rest of the file is inside it\nmore,3,x\n";
        var result = TestingTrees.atomize(tables, "bad.csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(result.nodes()).anyMatch(n -> "text".equals(n.modality()));
        assertThat(result.nodes()).anyMatch(n -> "row".equals(n.subtype()));
        // malformed from the first record: the whole file is text
        var text = TestingTrees.atomize(tables, "bad.csv", "a,\"b\"x,c\nd,e,f\n".getBytes(StandardCharsets.UTF_8));
        assertThat(text.nodes().get(text.nodes().size() - 1).modality()).isEqualTo("text");
    }

    @Test
    void roundTripsRealJsonArrayOfObjects() throws Exception {
        Path path = Path.of("/usr/share/cmake-3.25/Templates/MSBuild/FlagTables/v11_RC.json");
        byte[] json = Files.exists(path) ? Files.readAllBytes(path) : generatedJson().getBytes(StandardCharsets.UTF_8);
        assertThat(tables.score(sniff("flags.json", json))).isPositive();
        var result = TestingTrees.atomize(tables, "flags.json", json);
        assertThat(result.nodes()).anyMatch(n -> "row".equals(n.subtype()));
        assertThat(result.nodes()).anyMatch(n -> "key".equals(n.subtype()));
        assertThat(result.nodes()).noneMatch(n -> "text".equals(n.modality()));
    }

    @Test
    void jsonCellsAreTypedAndKeysDeduplicate() throws Exception {
        var result = TestingTrees.atomize(tables, "g.json", generatedJson().getBytes(StandardCharsets.UTF_8));
        assertThat(result.nodes()).extracting(AtomNode::subtype).contains("integer", "decimal", "boolean", "string", "null", "array", "object", "date", "key");
        long keys = result.byHash().values().stream().filter(n -> "key".equals(n.subtype())).count();
        assertThat(keys).isLessThanOrEqualTo(8);
    }

    @Test
    void invalidJsonMidwayFallsBackToTextLosslessly() throws Exception {
        String json = "[\n" + "  {\"id\": 1, \"name\": \"a reasonably long name to make rows composite atoms\"},\n".repeat(20)
                + "  {\"id\": 2, \"name\": oops},\n  {\"id\": 3}\n]\n";
        var result = TestingTrees.atomize(tables, "broken.json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(result.nodes()).anyMatch(n -> "text".equals(n.modality()));
        TestingTrees.atomize(tables, "trailing.json", "[{\"a\":1}] trailing".getBytes(StandardCharsets.UTF_8));
        TestingTrees.atomize(tables, "cut.json", "[{\"a\":1},{\"b\":".getBytes(StandardCharsets.UTF_8));
        TestingTrees.atomize(tables, "deep.json", ("[{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}]").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonLinesKeepsBrokenLinesAndParsesTheRest() throws Exception {
        String jsonl = "{\"event\": \"login\", \"user\": \"alice\", \"at\": \"2024-05-01T10:00:00Z\", \"ok\": true}\n"
                + "{\"event\": \"logout\", \"user\": \"bob\", \"at\": \"2024-05-01T11:00:00Z\", \"ok\": false}\r\n"
                + "{\"event\": broken line here that is not json at all, and long enough to matter}\n"
                + "\n"
                + "{\"event\": \"login\", \"user\": \"carol\", \"at\": \"2024-05-02T09:30:00Z\", \"ok\": true}";
        byte[] bytes = jsonl.getBytes(StandardCharsets.UTF_8);
        assertThat(tables.score(sniff("events.log", bytes))).isPositive();
        var result = TestingTrees.atomize(tables, "events.jsonl", bytes);
        assertThat(result.nodes()).anyMatch(n -> "invalid".equals(n.subtype()));
        assertThat(result.nodes()).filteredOn(n -> "row".equals(n.subtype())).hasSize(3);
        assertThat(result.nodes()).anyMatch(n -> "datetime".equals(n.subtype()));
    }

    @Test
    void sniffsByContentNotName() {
        byte[] prose = "This is prose, not a table.\nIt has commas, here, and there.\n".getBytes(StandardCharsets.UTF_8);
        assertThat(tables.score(sniff("notes.csv", prose))).isZero();
        byte[] object = "{\"config\": {\"a\": 1}}".getBytes(StandardCharsets.UTF_8);
        assertThat(tables.score(sniff("config.json", object))).isZero();
        byte[] numbers = "[1, 2, 3]".getBytes(StandardCharsets.UTF_8);
        assertThat(tables.score(sniff("n.json", numbers))).isZero();
        assertThat(tables.score(sniff("x.json", new byte[]{'[', '{', 0, 1, 2}))).isZero();
        byte[] csv = generatedCsv().getBytes(StandardCharsets.UTF_8);
        assertThat(new Atomizers().choose(sniff("export.txt", csv))).isInstanceOf(TableAtomizer.class);
    }

    @Test
    void isDeterministic() throws Exception {
        byte[] csv = generatedCsv().getBytes(StandardCharsets.UTF_8);
        var a = TestingTrees.atomize(tables, "a.csv", csv);
        var b = TestingTrees.atomize(tables, "a.csv", csv);
        assertThat(a.nodes().stream().map(AtomNode::hash).toList()).isEqualTo(b.nodes().stream().map(AtomNode::hash).toList());
    }

    private static Sniff sniff(String name, byte[] input) {
        return new Sniff(name, java.util.Arrays.copyOf(input, Math.min(4096, input.length)), input.length);
    }

    private static String generatedCsv() {
        StringBuilder b = new StringBuilder("id,name,price,active,released,description\n");
        for (int i = 0; i <= 40; i++) {
            b.append(i).append(",item ").append(i).append(',').append(i * 1.25).append(',').append(i % 2 == 0)
                    .append(",2024-01-").append(String.format("%02d", i % 28 + 1))
                    .append(",a description long enough that each row is more than sixty-four bytes\n");
        }
        return b.toString();
    }

    private static String generatedJson() {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < 30; i++) {
            b.append("  {\"id\": ").append(i).append(", \"score\": ").append(i / 4.0).append(", \"ok\": ").append(i % 3 == 0)
                    .append(", \"label\": \"row ").append(i).append("\", \"day\": \"2024-02-").append(String.format("%02d", i % 28 + 1))
                    .append("\", \"missing\": null, \"tags\": [\"x\", \"y\"], \"meta\": {\"k\": ").append(i).append("}}")
                    .append(i < 29 ? ",\n" : "\n");
        }
        return b.append("]\n").toString();
    }
}
