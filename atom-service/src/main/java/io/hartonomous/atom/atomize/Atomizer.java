package io.hartonomous.atom.atomize;

import java.io.IOException;
import java.io.InputStream;

/**
 * Turns one input into an atom tree through a {@link TreeWriter}. Contract:
 * <ul>
 *   <li>lossless: concatenating the leaves in tree order yields exactly the input bytes;</li>
 *   <li>deterministic: the same bytes always yield the same nodes in the same order;</li>
 *   <li>streaming: memory is bounded by the structure's fan-out, never by the input's size;</li>
 *   <li>hostile input (truncated, lying headers) makes it throw {@link MalformedInputException}
 *       with a message for the user — or fall back to a simpler view — never allocate what a
 *       header claims.</li>
 * </ul>
 * The root level is opened by the atomizer itself; the writer's final {@code finish()} is done
 * by the caller.
 */
public interface Atomizer {

    /** The modality of the atoms it emits (a {@code ref.Modality} code). */
    String modality();

    /** How well this atomizer fits the input: 0 = not at all; the highest score wins. */
    int score(Sniff sniff);

    void atomize(InputStream in, Sniff sniff, TreeWriter tree, AtomizeContext context) throws IOException;

    /**
     * The media type of an input this atomizer takes, from its signature (and name), for an upload
     * whose client named none; null when no more is known than {@code application/octet-stream}.
     */
    default String mediaType(Sniff sniff) {
        return null;
    }
}
