package io.hartonomous.atom.atomize.git;

import com.knuddels.jtokkit.api.IntArrayList;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Grouper;
import io.hartonomous.atom.atomize.MalformedInputException;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.binary.BinaryAtomizer;
import io.hartonomous.atom.atomize.text.TextAtomizer;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jboss.logging.Logger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Git repositories — a bundle ({@code git bundle create x.bundle --all}) or a tar/zip archive of
 * a bare repository — in two views (DESIGN.md invariant 4):
 * <ul>
 *   <li>the <b>byte view</b> is the job's root and rebuilds the file exactly: a bundle as its
 *       header lines and its pack in content-defined chunks, an archive as content-defined chunks;</li>
 *   <li>the <b>repository view</b> ({@link RepositoryView}) is emitted first and declared with
 *       {@code derivedRoot(view, "decodes_to")}: commits, trees and blobs, each atom's content
 *       being the git object's own bytes, blobs atomized by the atomizer of their own modality.
 *       Each commit {@code derives_from} each of its parents.</li>
 * </ul>
 * The input is spooled to a private temporary directory, which also receives the unpacked
 * repository (a bundle's pack is indexed, every object id verified); the directory is deleted
 * whatever happens. An archive without a repository inside keeps its byte view only; anything
 * truncated, corrupt, incomplete, unsafe (paths leaving the archive) or over {@link GitLimits}
 * is refused with {@link MalformedInputException}.
 */
public final class GitAtomizer implements Atomizer {

    public static final String MODALITY = "git";
    private static final Logger LOG = Logger.getLogger(GitAtomizer.class);
    private static final String MINIMAL_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tbare = true\n";

    private final GitLimits limits;
    private final Path workRoot;
    private final Function<Sniff, Atomizer> blobs;

    /**
     * @param limits   bounds on one repository
     * @param workRoot where private temporary directories are made (null: {@code java.io.tmpdir})
     * @param blobs    the atomizer for a blob's content, by its name and head; binary (or null) for
     *                 plain bytes. Must choose only atomizers that write one tree and nothing else.
     */
    public GitAtomizer(GitLimits limits, Path workRoot, Function<Sniff, Atomizer> blobs) {
        this.limits = Objects.requireNonNull(limits);
        this.workRoot = workRoot;
        this.blobs = Objects.requireNonNull(blobs);
    }

    @Override
    public String modality() {
        return MODALITY;
    }

    /** 95 for a bundle, 90 for an archive that looks like a repository (above every other format); else 0. */
    @Override
    public int score(Sniff sniff) {
        GitFormat format = GitFormat.of(sniff);
        if (format == null) {
            return 0;
        }
        return format == GitFormat.BUNDLE ? 95 : 90;
    }

    @Override
    public void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException {
        GitFormat format = GitFormat.of(sniff);
        if (format == null) {
            writeChunked(in, tree);
            return;
        }
        Path work = workRoot == null ? Files.createTempDirectory("hartonomous-git-")
                : Files.createTempDirectory(Files.createDirectories(workRoot), "hartonomous-git-");
        try {
            Path input = work.resolve("input");
            long size = Files.copy(in, input);
            Bundle bundle = format == GitFormat.BUNDLE ? Bundle.readHeader(input) : null;
            boolean repository = writeRepositoryView(format, bundle, input, size, work.resolve("repo.git"), tree, context);
            try (InputStream file = new BufferedInputStream(Files.newInputStream(input), 64 * 1024)) {
                if (bundle != null) {
                    writeBundle(file, bundle, tree);
                } else if (repository) {
                    writeChunked(file, tree);
                } else {
                    new BinaryAtomizer().atomize(file, sniff, tree, context);
                }
            }
        } finally {
            delete(work);
        }
    }

    /** Emits the repository view (if there is a repository with commits); false when the archive holds none. */
    private boolean writeRepositoryView(GitFormat format, Bundle bundle, Path input, long size, Path gitDir,
                                        TreeWriter tree, AtomizeContext context) throws IOException {
        List<ObjectId> tips;
        Repository repo;
        if (bundle != null) {
            repo = FileRepositoryBuilder.create(gitDir.toFile());
            try {
                repo.create(true);
                bundle.indexPack(input, repo, limits.viewBudget(size));
            } catch (IOException | RuntimeException e) {
                repo.close();
                throw e;
            }
            tips = bundle.tips();
        } else {
            Archive archive = new Archive(limits);
            String prefix = GitFormat.gitDir(archive.list(format, input));
            if (prefix == null) {
                return false;
            }
            archive.unpack(format, input, prefix, gitDir, size);
            Files.writeString(gitDir.resolve("config"), MINIMAL_CONFIG, StandardCharsets.UTF_8);
            try {
                repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().setMustExist(true).build();
            } catch (IOException | RuntimeException e) {
                throw new MalformedInputException("The archive's repository cannot be opened: " + e.getMessage());
            }
            try {
                tips = refs(repo);
            } catch (IOException | RuntimeException e) {
                repo.close();
                throw e instanceof MalformedInputException m ? m
                        : new MalformedInputException("The repository's refs cannot be read: " + e.getMessage());
            }
        }
        try (repo; RepositoryView view = RepositoryView.read(repo, tips, limits, size, blobs)) {
            TreeWriter.Ref root = view.write(tree, context);
            if (root != null) {
                context.derivedRoot(root, "decodes_to");
            }
        }
        return true;
    }

    private static List<ObjectId> refs(Repository repo) throws IOException {
        List<ObjectId> tips = new ArrayList<>();
        for (Ref ref : repo.getRefDatabase().getRefs()) {
            if (ref.getObjectId() != null) {
                tips.add(ref.getObjectId());
            }
        }
        return tips;
    }

    /** The bundle's bytes: {@code header} lines, then the {@code pack} in content-defined chunks. */
    private static void writeBundle(InputStream file, Bundle bundle, TreeWriter tree) throws IOException {
        tree.open(MODALITY, "document");
        tree.open(MODALITY, "header");
        Grouper refs = bundle.headerLines() > 256 ? new Grouper(tree, 1, 31, 256, MODALITY, "refs") : null;
        IntArrayList single = new IntArrayList(1);
        ByteLines lines = new ByteLines(file, bundle.headerLength());
        for (byte[] line; (line = lines.next()) != null; ) {
            if (refs != null) {
                refs.beforeUnit();
            }
            TreeWriter.Ref ref = TextAtomizer.writeLine(tree, line, 0, line.length, MODALITY, single);
            if (refs != null) {
                refs.afterUnit(ref, false);
            }
        }
        if (refs != null) {
            refs.finish();
        }
        tree.close();
        tree.open(MODALITY, "pack");
        BinaryAtomizer.writeChunked(file, tree, MODALITY, "chunk", "bytes");
        tree.close();
    }

    private static void writeChunked(InputStream in, TreeWriter tree) throws IOException {
        tree.open(MODALITY, "document");
        BinaryAtomizer.writeChunked(in, tree, MODALITY, "chunk", "bytes");
    }

    /** Lines (each with its newline) of the first {@code limit} bytes of a stream. */
    private static final class ByteLines {
        private final InputStream in;
        private long left;

        ByteLines(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        byte[] next() throws IOException {
            if (left == 0) {
                return null;
            }
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            while (left > 0) {
                int c = in.read();
                if (c < 0) {
                    throw new MalformedInputException("The bundle ends inside its header.");
                }
                left--;
                line.write(c);
                if (c == '\n') {
                    break;
                }
            }
            return line.toByteArray();
        }
    }

    /** Deletes the private directory; what cannot be deleted is logged, never thrown over the real outcome. */
    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warnf("could not delete temporary file %s: %s", p, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warnf("could not delete temporary directory %s: %s", dir, e.toString());
        }
    }
}
