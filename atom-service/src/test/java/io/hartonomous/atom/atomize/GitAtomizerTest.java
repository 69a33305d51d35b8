package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.git.GitAtomizer;
import io.hartonomous.atom.atomize.git.GitConfig;
import io.hartonomous.atom.atomize.git.GitLimits;
import io.hartonomous.common.hash.ContentHash;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitAtomizerTest {

    @TempDir
    Path temp;
    private Path work;
    private TestingRepositories repo;
    private final Atomizers atomizers = new Atomizers();

    @BeforeEach
    void createRepository() throws IOException {
        work = Files.createDirectories(temp.resolve("work"));
        repo = new TestingRepositories(temp);
    }

    @AfterEach
    void leavesNoTemporaryFiles() throws IOException {
        repo.close();
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left.toList()).as("temporary files left behind").isEmpty();
        }
    }

    private GitAtomizer git() {
        return git(GitLimits.DEFAULTS);
    }

    private GitAtomizer git(GitLimits limits) {
        return new GitAtomizer(limits, work, atomizers::chooseEmbedded);
    }

    /** Records relations as well as derived roots. */
    private static final class Recording implements AtomizeContext {
        record Relation(ContentHash source, ContentHash target, String type, Double weight) {
        }

        final List<TestingContext.Derived> derived = new ArrayList<>();
        final List<Relation> relations = new ArrayList<>();

        @Override
        public void derivedRoot(TreeWriter.Ref root, String relationType) {
            derived.add(new TestingContext.Derived(root, relationType));
        }

        @Override
        public void relation(ContentHash source, ContentHash target, String relationType, Double weight) {
            relations.add(new Relation(source, target, relationType, weight));
        }
    }

    @Test
    void bundleRebuildsByteForByteAndDecodesToItsCommitsTreesAndBlobs() throws Exception {
        byte[] bundle = repo.bundle();
        Recording context = new Recording();
        var result = TestingTrees.atomize(git(), "repo.bundle", bundle, context);

        assertThat(context.derived).singleElement().satisfies(d -> assertThat(d.relationType()).isEqualTo("decodes_to"));
        AtomNode view = result.byHash().get(context.derived.get(0).root().hash());
        assertThat(view.modality()).isEqualTo("git");
        assertThat(view.subtype()).isEqualTo("repository");
        assertThat(result.nodes()).anyMatch(n -> n.subtype().equals("header"));

        for (var commit : repo.commits()) {
            byte[] raw = repo.raw(commit);
            AtomNode node = result.byHash().get(ContentHash.sha256(raw));
            assertThat(node).as("commit " + commit.name()).isNotNull();
            assertThat(node.subtype()).isEqualTo("commit");
            assertThat(node.modality()).isEqualTo("git");
            assertThat(result.rebuild(node.hash())).isEqualTo(raw);
        }
        for (var tree : repo.trees()) {
            byte[] raw = repo.raw(tree);
            assertThat(result.rebuild(ContentHash.sha256(raw))).as("tree " + tree.name()).isEqualTo(raw);
        }
        assertThat(result.nodes()).filteredOn(n -> n.subtype().equals("tree")).hasSizeGreaterThanOrEqualTo(4);
        byte[] readme = "# Demo\n\nA small repository for the git atomizer tests.\n".getBytes(StandardCharsets.UTF_8);
        assertThat(result.rebuild(ContentHash.sha256(TestingRepositories.BINARY))).isEqualTo(TestingRepositories.BINARY);
        assertThat(result.rebuild(ContentHash.sha256(readme))).isEqualTo(readme);
    }

    @Test
    void eachCommitDerivesFromItsParentsAndTheMergeFromBoth() throws Exception {
        Recording context = new Recording();
        TestingTrees.atomize(git(), "repo.bundle", repo.bundle(), context);
        ContentHash root = hash(repo.root);
        ContentHash change = hash(repo.change);
        ContentHash feature = hash(repo.feature);
        ContentHash merge = hash(repo.merge);
        assertThat(context.relations).containsExactlyInAnyOrder(
                new Recording.Relation(change, root, "derives_from", 1.0),
                new Recording.Relation(feature, root, "derives_from", 1.0),
                new Recording.Relation(merge, change, "derives_from", 1.0),
                new Recording.Relation(merge, feature, "derives_from", 1.0));
        assertThat(context.relations.subList(2, 4)).as("a merge's parents in their order")
                .extracting(Recording.Relation::target).containsExactly(change, feature);
    }

    @Test
    void blobsAreAtomizedByTheirOwnModality() throws Exception {
        var result = TestingTrees.atomize(git(), "repo.bundle", repo.bundle(), new Recording());
        AtomNode java = result.byHash().get(ContentHash.sha256(TestingRepositories.JAVA_V1.getBytes(StandardCharsets.UTF_8)));
        assertThat(java.modality()).isEqualTo("code");
        assertThat(result.nodes()).filteredOn(n -> n.modality().equals("code")).extracting(AtomNode::subtype)
                .contains("class", "method", "constructor");
        assertThat(result.byHash().get(ContentHash.sha256(TestingRepositories.SHARED)).modality()).isEqualTo("text");
        assertThat(result.byHash().get(ContentHash.sha256(TestingRepositories.BINARY)))
                .satisfies(n -> assertThat(n.modality()).isEqualTo("git"));
        assertThat(result.nodes()).anyMatch(n -> n.modality().equals("git") && n.subtype().equals("blob"));
    }

    @Test
    void aBlobSharedByEveryCommitAndTwoPathsIsEmittedOnce() throws Exception {
        var result = TestingTrees.atomize(git(), "repo.bundle", repo.bundle(), new Recording());
        ContentHash shared = ContentHash.sha256(TestingRepositories.SHARED);
        assertThat(result.nodes()).filteredOn(n -> n.hash().equals(shared)).hasSize(1);
        assertThat(result.nodes()).filteredOn(n -> n.subtype().equals("revision")).hasSize(4);
    }

    @Test
    void sameInputGivesTheSameNodesInTheSameOrder() throws Exception {
        byte[] bundle = repo.bundle();
        Recording first = new Recording();
        Recording second = new Recording();
        var a = TestingTrees.atomize(git(), "repo.bundle", bundle, first);
        var b = TestingTrees.atomize(git(), "repo.bundle", bundle, second);
        assertThat(b.nodes()).hasSameSizeAs(a.nodes());
        for (int i = 0; i < a.nodes().size(); i++) {
            AtomNode x = a.nodes().get(i);
            AtomNode y = b.nodes().get(i);
            assertThat(y.hash()).isEqualTo(x.hash());
            assertThat(y.subtype()).isEqualTo(x.subtype());
            assertThat(y.modality()).isEqualTo(x.modality());
        }
        assertThat(second.relations).isEqualTo(first.relations);
        assertThat(second.derived).isEqualTo(first.derived);
    }

    @Test
    void tarAndZipOfTheBareRepositoryDecodeToTheSameRepositoryAsTheBundle() throws Exception {
        Recording fromBundle = new Recording();
        TestingTrees.atomize(git(), "repo.bundle", repo.bundle(), fromBundle);
        ContentHash view = fromBundle.derived.get(0).root().hash();

        byte[] tar = repo.tar("repo.git/", name -> false);
        assertThat(atomizers.choose(sniff("repo.tar", tar))).isInstanceOf(GitAtomizer.class);
        Recording fromTar = new Recording();
        var tarResult = TestingTrees.atomize(git(), "repo.tar", tar, fromTar);
        assertThat(fromTar.derived).singleElement().satisfies(d -> assertThat(d.root().hash()).isEqualTo(view));
        assertThat(fromTar.relations).isEqualTo(fromBundle.relations);
        assertThat(tarResult.byHash().get(ContentHash.sha256(tar)).modality()).isEqualTo("git");

        repo.gc(); // packed objects and packed-refs
        byte[] zip = repo.zip("");
        assertThat(atomizers.choose(sniff("repo.zip", zip))).isInstanceOf(GitAtomizer.class);
        Recording fromZip = new Recording();
        TestingTrees.atomize(git(), "repo.zip", zip, fromZip);
        assertThat(fromZip.derived).singleElement().satisfies(d -> assertThat(d.root().hash()).isEqualTo(view));
    }

    @Test
    void sniffsBundlesAndRepositoryArchivesOnly() throws Exception {
        byte[] bundle = repo.bundle();
        assertThat(atomizers.choose(sniff("anything.bin", bundle))).isInstanceOf(GitAtomizer.class);
        byte[] v3 = ("# v3 git bundle\n@object-format=sha1\n" + new String(bundle, StandardCharsets.ISO_8859_1)
                .substring("# v2 git bundle\n".length())).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(atomizers.choose(sniff("x.bundle", v3))).isInstanceOf(GitAtomizer.class);
        TestingTrees.atomize(git(), "x.bundle", v3, new Recording());

        byte[] prose = "# v2 git bundles are a way to move repositories\n".getBytes(StandardCharsets.UTF_8);
        assertThat(atomizers.choose(sniff("notes.bundle", prose))).isNotInstanceOf(GitAtomizer.class);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        TestingTar.entry(plain, "photos/", '5', new byte[0]);
        TestingTar.entry(plain, "photos/a.txt", '0', "x".getBytes(StandardCharsets.UTF_8));
        TestingTar.end(plain);
        // a tar without a repository is a batch of files (each atomized by its own modality)
        assertThat(atomizers.choose(sniff("photos.tar", plain.toByteArray())))
                .isInstanceOf(io.hartonomous.atom.atomize.archive.TarArchiveAtomizer.class);
    }

    @Test
    void anArchiveThatOnlyLooksLikeARepositoryKeepsItsByteViewOnly() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TestingTar.entry(tar, "objects/", '5', new byte[0]);
        TestingTar.entry(tar, "objects/list.txt", '0', "not git objects at all\n".repeat(10).getBytes(StandardCharsets.UTF_8));
        TestingTar.end(tar);
        byte[] input = tar.toByteArray();
        assertThat(atomizers.choose(sniff("objects.tar", input))).isInstanceOf(GitAtomizer.class);
        TestingContext context = new TestingContext();
        TestingTrees.atomize(git(), "objects.tar", input, context);
        assertThat(context.derived).isEmpty();
    }

    @Test
    void refusesTruncatedBundles() throws Exception {
        byte[] bundle = repo.bundle();
        int headerEnd = indexOf(bundle, "\n\n".getBytes(StandardCharsets.US_ASCII)) + 2;
        assertMalformed(Arrays.copyOf(bundle, headerEnd + (bundle.length - headerEnd) / 2), "pack");
        assertMalformed(Arrays.copyOf(bundle, headerEnd - 5), "header");
        assertMalformed(Arrays.copyOf(bundle, bundle.length - 1), "pack");
    }

    @Test
    void refusesABundleWithACorruptPack() throws Exception {
        byte[] bundle = repo.bundle();
        int headerEnd = indexOf(bundle, "\n\n".getBytes(StandardCharsets.US_ASCII)) + 2;
        byte[] corrupt = bundle.clone();
        int middle = headerEnd + (bundle.length - headerEnd) / 2;
        for (int i = middle; i < middle + 16; i++) {
            corrupt[i] ^= 0x5a;
        }
        assertMalformed(corrupt, "pack");
    }

    @Test
    void refusesAnIncrementalBundle() throws Exception {
        assertMalformed(repo.incrementalBundle(), "incremental");
    }

    @Test
    void refusesAnArchiveMissingObjects() throws Exception {
        String blob = blobPath();
        byte[] tar = repo.tar("repo.git/", name -> name.equals(blob));
        assertMalformed(tar, "incomplete");
    }

    @Test
    void refusesTarEntriesLeavingTheArchive() throws Exception {
        byte[] base = repo.tar("repo.git/", name -> false);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.writeBytes(Arrays.copyOf(base, base.length - 1024));
        TestingTar.entry(tar, "repo.git/../../evil.sh", '0', "echo owned\n".getBytes(StandardCharsets.UTF_8));
        TestingTar.end(tar);
        assertMalformed(tar.toByteArray(), "outside");

        ByteArrayOutputStream link = new ByteArrayOutputStream();
        link.writeBytes(Arrays.copyOf(base, base.length - 1024));
        TestingTar.entry(link, "repo.git/objects/escape", '2', new byte[0], "/etc");
        TestingTar.end(link);
        assertMalformed(link.toByteArray(), "outside");

        ByteArrayOutputStream absolute = new ByteArrayOutputStream();
        absolute.writeBytes(Arrays.copyOf(base, base.length - 1024));
        TestingTar.entry(absolute, "/tmp/evil.sh", '0', "echo owned\n".getBytes(StandardCharsets.UTF_8));
        TestingTar.end(absolute);
        assertMalformed(absolute.toByteArray(), "outside");
    }

    @Test
    void refusesAZipBomb() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("repo.git/HEAD"));
            zip.write("ref: refs/heads/main\n".getBytes(StandardCharsets.US_ASCII));
            zip.putNextEntry(new ZipEntry("repo.git/refs/heads/"));
            zip.putNextEntry(new ZipEntry("repo.git/objects/pack/pack-bomb.pack"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 32; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        byte[] bomb = out.toByteArray();
        assertThat(bomb.length).isLessThan(100_000);
        GitLimits small = new GitLimits(8L << 20, 50, 1000, 1000, 1L << 30, 1000, 1 << 20);
        assertThatThrownBy(() -> TestingTrees.atomize(git(small), "bomb.zip", bomb, new Recording()))
                .isInstanceOf(MalformedInputException.class).hasMessageContaining("unpacks to more than");
    }

    @Test
    void refusesRepositoriesOverTheObjectLimit() throws Exception {
        GitLimits few = new GitLimits(1L << 30, 50, 1000, 5, 1L << 30, 1000, 1 << 20);
        assertThatThrownBy(() -> TestingTrees.atomize(git(few), "repo.bundle", repo.bundle(), new Recording()))
                .isInstanceOf(MalformedInputException.class).hasMessageContaining("more than 5 objects");
    }

    @Test
    void limitsScaleWithTheInputAboveAFloor() {
        GitLimits limits = GitLimits.DEFAULTS;
        assertThat(limits.unpackBudget(1000)).isEqualTo(GitLimits.RATIO_FLOOR);
        assertThat(limits.unpackBudget(100L << 20)).isEqualTo(5000L << 20);
        assertThat(limits.unpackBudget(1L << 30)).isEqualTo(limits.maxUnpackedBytes());
        assertThat(limits.viewBudget(1L << 20)).isEqualTo(1000L << 20);
    }

    @Test
    void configDefaultsAreTheDefaultLimits() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(GitConfig.class).build();
        GitConfig git = config.getConfigMapping(GitConfig.class);
        assertThat(git.limits()).isEqualTo(GitLimits.DEFAULTS);
        assertThat(git.workDir()).isEmpty();
    }

    private void assertMalformed(byte[] input, String messagePart) {
        assertThatThrownBy(() -> TestingTrees.atomize(git(), "hostile.bundle", input, new Recording()))
                .isInstanceOf(MalformedInputException.class).hasMessageContaining(messagePart);
    }

    private ContentHash hash(org.eclipse.jgit.lib.ObjectId commit) throws IOException {
        return ContentHash.sha256(repo.raw(commit));
    }

    /** The loose object file of the binary blob. */
    private static String blobPath() {
        var blob = new org.eclipse.jgit.lib.ObjectInserter.Formatter()
                .idFor(org.eclipse.jgit.lib.Constants.OBJ_BLOB, TestingRepositories.BINARY);
        return "objects/" + blob.name().substring(0, 2) + "/" + blob.name().substring(2);
    }

    private static Sniff sniff(String name, byte[] input) {
        return new Sniff(name, Arrays.copyOf(input, Math.min(4096, input.length)), input.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
