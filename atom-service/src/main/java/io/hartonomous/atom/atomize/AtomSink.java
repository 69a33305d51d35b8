package io.hartonomous.atom.atomize;

import java.io.IOException;

/** Receives an atomizer's nodes in emission order (children first, root last). */
@FunctionalInterface
public interface AtomSink {
    void accept(AtomNode node) throws IOException;
}
