package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.audio.WavAtomizer;
import io.hartonomous.atom.atomize.binary.BinaryAtomizer;
import io.hartonomous.atom.atomize.code.CodeAtomizer;
import io.hartonomous.atom.atomize.database.TableAtomizer;
import io.hartonomous.atom.atomize.image.ImageAtomizer;
import io.hartonomous.atom.atomize.model.GgufAtomizer;
import io.hartonomous.atom.atomize.model.OnnxAtomizer;
import io.hartonomous.atom.atomize.model.SafetensorsAtomizer;
import io.hartonomous.atom.atomize.text.TextAtomizer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.List;

/**
 * The atomizers, and the choice among them by content sniffing and name. The list is explicit
 * (no class-path scanning): a new modality is added here.
 */
@ApplicationScoped
public class Atomizers {

    private final List<Atomizer> all = List.of(
            new SafetensorsAtomizer(),
            new GgufAtomizer(),
            new OnnxAtomizer(),
            new ImageAtomizer(),
            new WavAtomizer(),
            new TableAtomizer(),
            new CodeAtomizer(),
            new TextAtomizer(),
            new BinaryAtomizer());

    /** The best-scoring atomizer; binary takes anything. */
    public Atomizer choose(Sniff sniff) {
        return all.stream().max(Comparator.comparingInt(a -> a.score(sniff))).orElseThrow();
    }

    public List<Atomizer> all() {
        return all;
    }
}
