package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.archive.TarArchiveAtomizer;
import io.hartonomous.atom.atomize.audio.WavAtomizer;
import io.hartonomous.atom.atomize.binary.BinaryAtomizer;
import io.hartonomous.atom.atomize.code.CodeAtomizer;
import io.hartonomous.atom.atomize.database.TableAtomizer;
import io.hartonomous.atom.atomize.git.GitAtomizer;
import io.hartonomous.atom.atomize.git.GitConfig;
import io.hartonomous.atom.atomize.git.GitLimits;
import io.hartonomous.atom.atomize.image.ImageAtomizer;
import io.hartonomous.atom.atomize.model.GgufAtomizer;
import io.hartonomous.atom.atomize.model.OnnxAtomizer;
import io.hartonomous.atom.atomize.model.SafetensorsAtomizer;
import io.hartonomous.atom.atomize.text.TextAtomizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The atomizers, and the choice among them by content sniffing and name. The list is explicit
 * (no class-path scanning): a new modality is added here.
 */
@ApplicationScoped
public class Atomizers {

    private final List<Atomizer> all;

    /** With the git atomizer's default limits (tests, tools). */
    public Atomizers() {
        this(GitLimits.DEFAULTS, null);
    }

    @Inject
    public Atomizers(GitConfig git) {
        this(git.limits(), git.workDir().map(Path::of).orElse(null));
    }

    private Atomizers(GitLimits gitLimits, Path gitWorkDir) {
        this.all = List.of(
                new GitAtomizer(gitLimits, gitWorkDir, this::chooseEmbedded),
                new TarArchiveAtomizer(this::chooseEmbedded),
                new SafetensorsAtomizer(),
                new GgufAtomizer(),
                new OnnxAtomizer(),
                new ImageAtomizer(),
                new WavAtomizer(),
                new TableAtomizer(),
                new CodeAtomizer(),
                new TextAtomizer(),
                new BinaryAtomizer());
    }

    /** The reader of a batch: a tar archive whose files are atomized each by its own modality, the archive not kept. */
    public TarArchiveAtomizer batch() {
        return TarArchiveAtomizer.batch(this::chooseEmbedded);
    }

    /** The best-scoring atomizer; binary takes anything. */
    public Atomizer choose(Sniff sniff) {
        return all.stream().max(Comparator.comparingInt(a -> a.score(sniff))).orElseThrow();
    }

    /**
     * The best-scoring atomizer for content embedded in another input (a file in a repository),
     * among those that write exactly one tree and record nothing else: not git or tar archives (no
     * recursion into nested repositories or archives), images (their raster is a second root) or models (their rows describe
     * the whole input). Binary takes anything.
     */
    public Atomizer chooseEmbedded(Sniff sniff) {
        return all.stream().filter(Atomizers::embeddable).max(Comparator.comparingInt(a -> a.score(sniff))).orElseThrow();
    }

    private static boolean embeddable(Atomizer a) {
        return !(a instanceof GitAtomizer || a instanceof TarArchiveAtomizer || a instanceof ImageAtomizer || a instanceof SafetensorsAtomizer
                || a instanceof GgufAtomizer || a instanceof OnnxAtomizer);
    }

    public List<Atomizer> all() {
        return all;
    }

    /**
     * Builds the atomizers right after startup, on a thread of their own: the text atomizer loads its
     * tokenizer's merge table (cl100k, 100,000 entries), which took the first upload some half a
     * second on a 2-core machine (seen in a flight recording as the first request's
     * {@code TextAtomizer.<clinit>}). A request arriving meanwhile waits for the same construction.
     */
    static void buildAtStartup(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event, Atomizers atomizers) {
        Thread build = new Thread(() -> {
            try {
                atomizers.all();
            } catch (RuntimeException | Error e) {
                org.jboss.logging.Logger.getLogger(Atomizers.class).warn("building the atomizers at startup failed; "
                        + "the first upload builds them", e);
            }
        }, "atomizers-startup");
        build.setDaemon(true);
        build.start();
    }
}
