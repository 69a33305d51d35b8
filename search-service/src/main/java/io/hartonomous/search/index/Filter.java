package io.hartonomous.search.index;

import java.util.Set;

/**
 * Restrictions applied during retrieval: each retriever only ever visits units that pass (jvector
 * through its accept-ords bits, Lucene through filter clauses, exact and spatial scans by test).
 * A null member does not restrict.
 */
public record Filter(Set<String> modalities, Set<String> subtypes, Set<Long> atomIds, Long createdFrom, Long createdTo) {

    public static final Filter NONE = new Filter(null, null, null, null, null);

    public boolean restricts() {
        return modalities != null || subtypes != null || atomIds != null || createdFrom != null || createdTo != null;
    }

    public boolean test(Unit u) {
        return (modalities == null || modalities.contains(u.modality()))
                && (subtypes == null || (u.subtype() != null && subtypes.contains(u.subtype())))
                && (atomIds == null || atomIds.contains(u.atomId()))
                && (createdFrom == null || u.createdMillis() >= createdFrom)
                && (createdTo == null || u.createdMillis() < createdTo);
    }
}
