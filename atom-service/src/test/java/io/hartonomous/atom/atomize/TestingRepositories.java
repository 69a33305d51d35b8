package io.hartonomous.atom.atomize;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.BundleWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A real bare repository written with jgit: four commits — root, a change on main, a feature
 * branch, and a merge of both — holding a Java file, Markdown, a binary file and a text file that
 * every commit shares (under two names in the feature branch), plus an annotated tag. Identities
 * and times are fixed, so the objects (and their ids) are the same on every run.
 */
public final class TestingRepositories implements AutoCloseable {

    public static final String JAVA_V1 = """
            package demo;

            /** Greets; long enough that its declarations are composite atoms of the code atomizer. */
            public final class Main {
                private final String name;

                public Main(String name) {
                    this.name = name;
                }

                public String greet() {
                    return "Hello, " + name + "! This line is long enough to be several tokens.";
                }
            }
            """;
    public static final String JAVA_V2 = JAVA_V1.replace("Hello", "Hi there");
    public static final byte[] SHARED = "Shared notes: this text is the same blob in every commit of the repository.\n"
            .repeat(4).getBytes(StandardCharsets.UTF_8);
    public static final byte[] BINARY = binary(20_000);

    public final Path gitDir;
    public final Repository repository;
    public final ObjectId root;
    public final ObjectId change;
    public final ObjectId feature;
    public final ObjectId merge;
    public final ObjectId tag;

    public TestingRepositories(Path dir) throws IOException {
        gitDir = dir.resolve("repo.git");
        repository = FileRepositoryBuilder.create(gitDir.toFile());
        repository.create(true);
        Map<String, Object> files = new TreeMap<>();
        files.put("README.md", text("# Demo\n\nA small repository for the git atomizer tests.\n"));
        files.put("shared.txt", SHARED);
        files.put("logo.bin", BINARY);
        files.put("src", new TreeMap<>(Map.of("Main.java", text(JAVA_V1))));
        root = commit(files, 1, "Initial commit\n");

        files.put("README.md", text("# Demo\n\nA small repository for the git atomizer tests, now with a second paragraph.\n"));
        change = commit(files, 2, "Extend the README\n", root);

        Map<String, Object> branch = new TreeMap<>(files);
        branch.put("README.md", text("# Demo\n\nA small repository for the git atomizer tests.\n"));
        branch.put("copy.txt", SHARED);
        branch.put("src", new TreeMap<>(Map.of("Main.java", text(JAVA_V2))));
        feature = commit(branch, 3, "Friendlier greeting\n", root);

        Map<String, Object> merged = new TreeMap<>(branch);
        merged.put("README.md", files.get("README.md"));
        merge = commit(merged, 4, "Merge branch 'feature'\n", change, feature);

        try (ObjectInserter ins = repository.newObjectInserter()) {
            TagBuilder t = new TagBuilder();
            t.setObjectId(change, Constants.OBJ_COMMIT);
            t.setTag("v1");
            t.setTagger(ident(5));
            t.setMessage("First release\n");
            tag = ins.insert(t);
            ins.flush();
        }
        ref("refs/heads/main", merge);
        ref("refs/heads/feature", feature);
        ref("refs/tags/v1", tag);
        RefUpdate head = repository.updateRef(Constants.HEAD);
        head.link("refs/heads/main");
    }

    public List<ObjectId> commits() {
        return List.of(root, change, feature, merge);
    }

    /** The object's bytes as git stores them (no header): what {@code git cat-file -p} prints for commits. */
    public byte[] raw(ObjectId id) throws IOException {
        try (ObjectReader reader = repository.newObjectReader()) {
            return reader.open(id).getBytes();
        }
    }

    /** Every tree reachable from the commits. */
    public List<ObjectId> trees() throws IOException {
        List<ObjectId> trees = new ArrayList<>();
        try (var walk = new org.eclipse.jgit.revwalk.ObjectWalk(repository)) {
            walk.markStart(walk.parseCommit(merge));
            while (walk.next() != null) {
                // commits first
            }
            for (var o = walk.nextObject(); o != null; o = walk.nextObject()) {
                if (o.getType() == Constants.OBJ_TREE) {
                    trees.add(o.copy());
                }
            }
        }
        return trees;
    }

    /** {@code git bundle create --all}: main, feature and the tag. */
    public byte[] bundle() throws IOException {
        BundleWriter writer = new BundleWriter(repository);
        writer.include("refs/heads/main", merge);
        writer.include("refs/heads/feature", feature);
        writer.include("refs/tags/v1", tag);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeBundle(NullProgressMonitor.INSTANCE, out);
        return out.toByteArray();
    }

    /** A bundle of the feature branch that assumes the root commit (an incremental bundle). */
    public byte[] incrementalBundle() throws IOException {
        BundleWriter writer = new BundleWriter(repository);
        writer.include("refs/heads/feature", feature);
        try (var walk = new org.eclipse.jgit.revwalk.RevWalk(repository)) {
            writer.assume(walk.parseCommit(root));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeBundle(NullProgressMonitor.INSTANCE, out);
        return out.toByteArray();
    }

    /** Packs the loose objects (git gc). */
    public void gc() throws Exception {
        try (Git git = Git.wrap(repository)) {
            git.gc().setAggressive(false).setPrunePreserved(true).call();
        }
    }

    /** The bare repository as a tar, every file under {@code prefix}, except those {@code skip} matches. */
    public byte[] tar(String prefix, Predicate<String> skip) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : files()) {
            if (skip.test(name)) {
                continue;
            }
            Path p = gitDir.resolve(name);
            if (Files.isDirectory(p)) {
                TestingTar.entry(out, prefix + name + "/", '5', new byte[0]);
            } else {
                TestingTar.entry(out, prefix + name, '0', Files.readAllBytes(p));
            }
        }
        TestingTar.end(out);
        return out.toByteArray();
    }

    /** The bare repository as a zip, every file under {@code prefix}. */
    public byte[] zip(String prefix) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String name : files()) {
                Path p = gitDir.resolve(name);
                zip.putNextEntry(new ZipEntry(prefix + name + (Files.isDirectory(p) ? "/" : "")));
                if (!Files.isDirectory(p)) {
                    zip.write(Files.readAllBytes(p));
                }
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Relative paths of the repository's files and directories, HEAD first (as {@code tar} of a bare repo often has it). */
    private List<String> files() throws IOException {
        try (Stream<Path> walk = Files.walk(gitDir)) {
            return walk.filter(p -> !p.equals(gitDir)).map(p -> gitDir.relativize(p).toString().replace('\\', '/'))
                    .sorted(Comparator.comparing((String n) -> !n.equals("HEAD")).thenComparing(Comparator.naturalOrder()))
                    .toList();
        }
    }

    private ObjectId commit(Map<String, Object> files, int minute, String message, ObjectId... parents) throws IOException {
        try (ObjectInserter ins = repository.newObjectInserter()) {
            ObjectId tree = tree(ins, files);
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(tree);
            c.setParentIds(parents);
            c.setAuthor(ident(minute));
            c.setCommitter(ident(minute));
            c.setMessage(message);
            ObjectId id = ins.insert(c);
            ins.flush();
            return id;
        }
    }

    @SuppressWarnings("unchecked")
    private static ObjectId tree(ObjectInserter ins, Map<String, Object> files) throws IOException {
        // git orders a tree's entries by name, a subtree's name compared as if it ended with '/'
        Map<String, Map.Entry<String, Object>> sorted = new TreeMap<>();
        files.forEach((name, value) -> sorted.put(value instanceof Map ? name + "/" : name, Map.entry(name, value)));
        TreeFormatter f = new TreeFormatter();
        for (Map.Entry<String, Object> e : sorted.values()) {
            if (e.getValue() instanceof Map<?, ?> sub) {
                f.append(e.getKey(), FileMode.TREE, tree(ins, (Map<String, Object>) sub));
            } else {
                f.append(e.getKey(), FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, (byte[]) e.getValue()));
            }
        }
        return ins.insert(f);
    }

    private void ref(String name, ObjectId id) throws IOException {
        RefUpdate u = repository.updateRef(name);
        u.setNewObjectId(id);
        u.setForceUpdate(true);
        u.update();
    }

    private static PersonIdent ident(int minute) {
        return new PersonIdent("Ada Tester", "ada@example.org",
                Instant.parse("2024-05-01T12:00:00Z").plusSeconds(60L * minute), ZoneOffset.UTC);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] binary(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        b[0] = 0; // not text
        return b;
    }

    @Override
    public void close() {
        repository.close();
    }
}
