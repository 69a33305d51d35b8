package io.hartonomous.search.index;

/** A retriever's answer: the unit's ordinal in its tenant index and the retriever's score (higher is better). */
public record Hit(int ord, float score) {
}
