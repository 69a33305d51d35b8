package io.hartonomous.atom.atomize;

import io.hartonomous.common.hash.ContentHash;

import java.util.ArrayList;
import java.util.List;

/** An {@link AtomizeContext} that records what an atomizer declares, for assertions. */
final class TestingContext implements AtomizeContext {

    record Derived(TreeWriter.Ref root, String relationType) {
    }

    final List<Derived> derived = new ArrayList<>();

    @Override
    public void derivedRoot(TreeWriter.Ref root, String relationType) {
        derived.add(new Derived(root, relationType));
    }

    @Override
    public void relation(ContentHash source, ContentHash target, String relationType, Double weight) {
    }
}
