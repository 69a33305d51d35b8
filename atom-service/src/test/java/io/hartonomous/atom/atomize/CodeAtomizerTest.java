package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.binary.BinaryAtomizer;
import io.hartonomous.atom.atomize.code.CodeAtomizer;
import io.hartonomous.atom.atomize.text.TextAtomizer;
import io.hartonomous.common.hash.ContentHash;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CodeAtomizerTest {

    private static final Path JDK_SOURCES = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip");

    private final CodeAtomizer code = new CodeAtomizer();

    /** A declaration as the tree places it: the child's subtype, and the Z and X of its edge. */
    record Placed(String subtype, double z, double line) {
    }

    private static List<Placed> placed(TestingTrees.Result result) {
        List<Placed> out = new ArrayList<>();
        for (AtomNode n : result.nodes()) {
            if (n instanceof AtomNode.Composite c) {
                for (AtomNode.Edge e : c.children()) {
                    if (e.position().z() != null) {
                        assertThat(e.position().m()).isNotNull();
                        out.add(new Placed(result.byHash().get(e.child()).subtype(), e.position().z(), e.position().x()));
                    }
                }
            }
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsJdkHashMapWithPackageClassesAndMethodsAtTheirDepth() throws Exception {
        assumeTrue(Files.exists(JDK_SOURCES), "JDK src.zip present");
        byte[] input;
        try (ZipFile zip = new ZipFile(JDK_SOURCES.toFile())) {
            input = zip.getInputStream(zip.getEntry("java.base/java/util/HashMap.java")).readAllBytes();
        }
        var result = TestingTrees.atomize(code, "HashMap.java", input);
        List<Placed> placed = placed(result);
        assertThat(placed).contains(new Placed("namespace", 1, 26)); // `package java.util;` scopes the file
        assertThat(placed).anyMatch(p -> p.subtype().equals("class") && p.z() == 2);
        assertThat(placed).anyMatch(p -> p.subtype().equals("method") && p.z() == 3);
        assertThat(placed).anyMatch(p -> p.subtype().equals("constructor") && p.z() == 3);
        assertThat(placed).anyMatch(p -> p.subtype().equals("class") && p.z() == 3); // HashMap.Node, nested
        assertThat(result.nodes()).allMatch(n -> n.modality().equals("code"));
        assertThat(result.nodes()).anyMatch(n -> "token".equals(n.subtype()));
    }

    @Test
    void roundTripsPythonJsonDecoder() throws Exception {
        Path decoder;
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
            decoder = dirs.filter(d -> d.getFileName().toString().startsWith("python3"))
                    .map(d -> d.resolve("json/decoder.py")).filter(Files::exists).sorted().findFirst().orElse(null);
        }
        assumeTrue(decoder != null, "a Python 3 json/decoder.py");
        var result = TestingTrees.atomize(code, "decoder.py", Files.readAllBytes(decoder));
        List<Placed> placed = placed(result);
        assertThat(placed).anyMatch(p -> p.subtype().equals("class") && p.z() == 2);   // JSONDecoder
        assertThat(placed).anyMatch(p -> p.subtype().equals("method") && p.z() == 3);  // JSONDecoder.decode
        assertThat(placed).anyMatch(p -> p.subtype().equals("function") && p.z() == 3); // py_scanstring
        assertThat(result.nodes()).allMatch(n -> n.modality().equals("code"));
    }

    @Test
    void roundTripsRealJavaScript() throws Exception {
        Path js = Stream.of("/usr/lib/node_modules/npm/node_modules/glob/dist/esm/glob.js",
                        "/usr/lib/node_modules/npm/node_modules/glob/dist/esm/walker.js",
                        "/usr/share/gitweb/static/gitweb.js")
                .map(Path::of).filter(Files::exists).findFirst().orElse(null);
        assumeTrue(js != null, "a JavaScript file on this machine");
        var result = TestingTrees.atomize(code, js.getFileName().toString(), Files.readAllBytes(js));
        List<Placed> placed = placed(result);
        assertThat(placed).anyMatch(p -> (p.subtype().equals("class") && p.z() == 2)
                || (p.subtype().equals("function") && p.z() == 3));
        assertThat(result.nodes()).allMatch(n -> n.modality().equals("code"));
    }

    private static final String CSHARP = """
            using System;
            using System.Collections.Generic;
            using System.Linq;

            namespace Acme.Billing
            {
                /// <summary>One line of an invoice.</summary>
                public record InvoiceLine(string Sku, int Quantity, decimal UnitPrice)
                {
                    public decimal Total => Quantity * UnitPrice;
                }

                public interface IInvoiceService
                {
                    decimal Sum(IEnumerable<InvoiceLine> lines);
                }

                public sealed class InvoiceService : IInvoiceService
                {
                    private readonly decimal _taxRate;

                    public InvoiceService(decimal taxRate)
                    {
                        _taxRate = taxRate;
                    }

                    public string Currency { get; init; } = "EUR";

                    // Sums the lines and adds tax, rounded to cents.
                    public decimal Sum(IEnumerable<InvoiceLine> lines)
                    {
                        var net = lines.Sum(l => l.Total);
                        return Math.Round(net * (1 + _taxRate), 2, MidpointRounding.AwayFromZero);
                    }

                    private struct Totals
                    {
                        public decimal Net;
                        public decimal Tax;
                    }
                }
            }
            """;

    @Test
    void roundTripsCSharpWithNamespaceTypesAndMembers() throws Exception {
        var result = TestingTrees.atomize(code, "InvoiceService.cs", utf8(CSHARP));
        List<Placed> placed = placed(result);
        assertThat(placed).contains(new Placed("namespace", 1, 5));
        assertThat(placed).contains(new Placed("record", 2, 7)); // with its /// comment, which starts on line 7
        assertThat(placed).contains(new Placed("interface", 2, 13));
        assertThat(placed).contains(new Placed("class", 2, 18));
        assertThat(placed).contains(new Placed("constructor", 3, 22));
        assertThat(placed).contains(new Placed("method", 3, 29));
        assertThat(placed).contains(new Placed("struct", 3, 36)); // nested type: one below its class
    }

    private static final String TYPESCRIPT = """
            import { readFile } from "node:fs/promises";

            export namespace Shapes {
              export interface Shape {
                area(): number;
              }

              export class Circle implements Shape {
                constructor(private readonly radius: number) {}

                area(): number {
                  return Math.PI * this.radius ** 2;
                }
              }
            }

            export enum Unit { Metre, Foot }

            /** Sums the areas of all shapes. */
            export function totalArea(shapes: readonly Shapes.Shape[]): number {
              return shapes.reduce((sum, shape) => sum + shape.area(), 0);
            }

            export async function load(path: string): Promise<Shapes.Shape[]> {
              const raw = JSON.parse(await readFile(path, "utf8")) as { radius: number }[];
              return raw.map((r) => new Shapes.Circle(r.radius));
            }
            """;

    @Test
    void roundTripsTypeScript() throws Exception {
        var result = TestingTrees.atomize(code, "shapes.ts", utf8(TYPESCRIPT));
        List<Placed> placed = placed(result);
        assertThat(placed).contains(new Placed("namespace", 1, 3));
        assertThat(placed).contains(new Placed("interface", 2, 4));
        assertThat(placed).contains(new Placed("class", 2, 8));
        assertThat(placed).contains(new Placed("method", 3, 11));
        assertThat(placed).contains(new Placed("enum", 2, 17));
        assertThat(placed).contains(new Placed("function", 3, 19)); // its doc comment's line
        assertThat(placed).contains(new Placed("function", 3, 24));
        assertThat(result.nodes()).allMatch(n -> n.modality().equals("code"));
    }

    @Test
    void brokenSyntaxFallsBackToText() throws Exception {
        byte[] input = utf8("""
                package broken;

                public class Half {
                    public void method( {
                        int x = ;
                """.repeat(3));
        var result = TestingTrees.atomize(code, "Half.java", input);
        assertThat(result.nodes()).allMatch(n -> n.modality().equals("text"));
    }

    @Test
    void crlfAndBomRoundTripAsCode() throws Exception {
        String source = "package demo;\r\n\r\n/** A counter. */\r\npublic final class Counter {\r\n"
                + "    private int count;\r\n\r\n    public int increment() {\r\n        return ++count;\r\n    }\r\n}\r\n";
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        byte[] body = utf8(source);
        byte[] input = Arrays.copyOf(bom, bom.length + body.length);
        System.arraycopy(body, 0, input, bom.length, body.length);
        var result = TestingTrees.atomize(code, "Counter.java", input);
        List<Placed> placed = placed(result);
        assertThat(placed).contains(new Placed("class", 2, 3), new Placed("method", 3, 7));
        assertThat(result.nodes()).allMatch(n -> n.modality().equals("code"));
    }

    @Test
    void lyingExtensionWithBinaryContentDoesNotCrash() throws Exception {
        byte[] input = new byte[20_000];
        new Random(11).nextBytes(input);
        Sniff sniff = new Sniff("x.java", Arrays.copyOf(input, 4096), input.length);
        assertThat(code.score(sniff)).isZero();
        assertThat(new Atomizers().choose(sniff)).isInstanceOf(BinaryAtomizer.class);
        var result = TestingTrees.atomize(code, "x.java", input); // forced: falls back, still lossless
        assertThat(result.nodes()).noneMatch(n -> n.modality().equals("code"));
    }

    @Test
    void randomTextUnderEveryLanguageRoundTrips() throws Exception {
        String alphabet = "class def function namespace { } ( ) ; : = \" ' / * # @ \n\r\t é 字 🙂 x y 1 2 \\";
        String[] pieces = alphabet.split(" ");
        Random random = new Random(3);
        for (String name : new String[]{"r.java", "r.py", "r.cs", "r.js", "r.ts"}) {
            for (int round = 0; round < 4; round++) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 300; i++) {
                    sb.append(pieces[random.nextInt(pieces.length)]).append(random.nextBoolean() ? " " : "");
                }
                TestingTrees.atomize(code, name, utf8(sb.toString()));
            }
        }
    }

    @Test
    void atomizersChooseCodeForSourceAndTextForProse() {
        byte[] java = utf8("class A { void f() {} }\n");
        assertThat(new Atomizers().choose(new Sniff("A.java", java, java.length))).isInstanceOf(CodeAtomizer.class);
        byte[] script = utf8("#!/usr/bin/env python3\nprint('hi')\n");
        assertThat(new Atomizers().choose(new Sniff("run", script, script.length))).isInstanceOf(CodeAtomizer.class);
        byte[] prose = utf8("Just some words.\n");
        assertThat(new Atomizers().choose(new Sniff("notes.txt", prose, prose.length))).isInstanceOf(TextAtomizer.class);
        assertThat(new Atomizers().choose(new Sniff("notes", prose, prose.length))).isInstanceOf(TextAtomizer.class);
    }

    @Test
    void methodMovedToAnotherFileDeduplicatesAsOneAtom() throws Exception {
        String method = """
                    /** Returns the larger of two values, preferring the first on ties. */
                    static int larger(int a, int b) {
                        return a >= b ? a : b;
                    }
                """;
        var first = TestingTrees.atomize(code, "A.java", utf8("class A {\n" + method + "}\n"));
        var second = TestingTrees.atomize(code, "B.java", utf8("final class B {\n    int unrelated;\n\n" + method + "}\n"));
        ContentHash methodHash = ContentHash.sha256(utf8(method));
        assertThat(first.byHash()).containsKey(methodHash);
        assertThat(second.byHash()).containsKey(methodHash);
        assertThat(first.byHash().get(methodHash).subtype()).isEqualTo("method");
    }

    @Test
    void isDeterministic() throws Exception {
        byte[] input = utf8(CSHARP);
        var a = TestingTrees.atomize(code, "a.cs", input);
        var b = TestingTrees.atomize(code, "a.cs", input);
        assertThat(a.nodes()).extracting(AtomNode::hash).isEqualTo(b.nodes().stream().map(AtomNode::hash).toList());
        assertThat(placed(a)).isEqualTo(placed(b));
    }

    @Test
    void deeplyNestedSourceStaysBounded() throws Exception {
        String deep = "(".repeat(5_000) + "1" + ")".repeat(5_000);
        byte[] input = utf8("class Deep {\n    int f() {\n        return " + deep + ";\n    }\n}\n");
        TestingTrees.atomize(code, "Deep.java", input);
    }

    @Test
    void fileOverTheParseLimitIsAtomizedAsText() throws IOException {
        byte[] input = utf8("class Big {\n" + "    int field = 1; // padding to pass the limit\n".repeat(40) + "}\n");
        CodeAtomizer limited = new CodeAtomizer(1024);
        assertThat(TestingTrees.atomize(limited, "Big.java", input).nodes()).allMatch(n -> n.modality().equals("text"));
        assertThat(TestingTrees.atomize(code, "Big.java", input).nodes()).allMatch(n -> n.modality().equals("code"));
    }

    @Test
    void smallFileIsOneLeaf() throws Exception {
        var result = TestingTrees.atomize(code, "t.py", utf8("def f():\n    return 1\n"));
        assertThat(result.nodes()).hasSize(1);
        assertThat(result.nodes().get(0).modality()).isEqualTo("code");
    }
}
