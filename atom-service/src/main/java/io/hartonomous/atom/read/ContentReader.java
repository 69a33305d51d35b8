package io.hartonomous.atom.read;

import io.hartonomous.atom.store.AtomRecord;
import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.common.hash.ContentHash;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds an atom's bytes by walking its tree in order. Memory stays bounded by the tree's
 * frontier, and each window expands up to 1024 composites by one or two queries; subtrees wholly
 * outside the requested range are skipped by their length without being read. A composite whose
 * stored components do not add up to its length is an error, never content of another length.
 */
@ApplicationScoped
public class ContentReader {

    private static final int EXPAND_AT_ONCE = 1024;
    /** Atoms remembered per read (about 10 MB at most: values are at most 64 bytes). */
    private static final int SEEN = 50_000;
    private final AtomRepository atoms;

    public ContentReader(AtomRepository atoms) {
        this.atoms = atoms;
    }

    private record Item(ContentHash hash, long length, byte[] value) {
        boolean leaf() {
            return length == value.length;
        }
    }

    /** Components by one query for the order and one for the atoms not remembered. */
    private Map<ContentHash, List<AtomRepository.Piece>> fromMemory(int tenant, java.util.Set<ContentHash> parents,
                                                                 Map<ContentHash, AtomRepository.Piece> seen, long[] stats) {
        Map<ContentHash, List<ContentHash>> order = atoms.children(tenant, parents);
        Map<ContentHash, AtomRepository.Piece> found = new java.util.HashMap<>();
        java.util.Set<ContentHash> unseen = new java.util.HashSet<>();
        order.values().forEach(kids -> kids.forEach(k -> {
            if (!found.containsKey(k) && !unseen.contains(k)) {
                AtomRepository.Piece known = seen.get(k);
                if (known != null) {
                    found.put(k, known);
                } else {
                    unseen.add(k);
                }
            }
        }));
        stats[0] = unseen.size();
        order.values().forEach(kids -> stats[1] += kids.size());
        found.putAll(atoms.pieces(tenant, unseen));
        Map<ContentHash, List<AtomRepository.Piece>> out = new java.util.HashMap<>();
        order.forEach((parent, kids) -> {
            List<AtomRepository.Piece> pieces = new ArrayList<>(kids.size());
            for (ContentHash k : kids) {
                AtomRepository.Piece c = found.get(k);
                if (c == null) {
                    throw new IllegalStateException("component " + k + " of " + parent + " is not stored");
                }
                pieces.add(c);
            }
            out.put(parent, pieces);
        });
        found.forEach(seen::put);
        return out;
    }

    /** Components with their values in one joined query; counts the atoms not remembered, and the edges. */
    private Map<ContentHash, List<AtomRepository.Piece>> joined(int tenant, java.util.Set<ContentHash> parents,
                                                             Map<ContentHash, AtomRepository.Piece> seen, long[] stats) {
        Map<ContentHash, List<AtomRepository.Piece>> out = atoms.childPieces(tenant, parents);
        java.util.Set<ContentHash> distinct = new java.util.HashSet<>();
        out.values().forEach(kids -> kids.forEach(c -> {
            stats[1]++;
            if (distinct.add(c.hash())) {
                if (!seen.containsKey(c.hash())) {
                    stats[0]++;
                }
                seen.put(c.hash(), c);
            }
        }));
        return out;
    }

    /** Writes bytes {@code [from, to]} (inclusive) of the atom's content. */
    public void write(int tenant, AtomRecord atom, long from, long to, OutputStream out) throws IOException {
        // atoms read so far, most recently used last: a document repeats its tokens, lines, patches
        Map<ContentHash, AtomRepository.Piece> seen = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ContentHash, AtomRepository.Piece> eldest) {
                return size() > SEEN;
            }
        };
        boolean repetitive = true;
        long[] stats = new long[2]; // the last window's atoms not remembered (distinct), and its edges
        Deque<Item> frontier = new ArrayDeque<>();
        frontier.add(new Item(atom.hash(), atom.length(), atom.value()));
        long offset = 0;
        while (!frontier.isEmpty() && offset <= to) {
            Item first = frontier.peekFirst();
            if (offset + first.length() <= from) {
                offset += first.length();
                frontier.pollFirst();
                continue;
            }
            if (first.leaf()) {
                int start = (int) Math.max(0, from - offset);
                int end = (int) Math.min(first.length(), to - offset + 1);
                out.write(first.value(), start, end - start);
                offset += first.length();
                frontier.pollFirst();
                continue;
            }
            // expand the leading composites (those the range still needs) in one query
            List<Item> window = new ArrayList<>();
            java.util.Set<ContentHash> expand = new java.util.HashSet<>(); // a repeated subtree is read once
            long at = offset;
            while (!frontier.isEmpty() && expand.size() < EXPAND_AT_ONCE && at <= to) {
                Item item = frontier.pollFirst();
                window.add(item);
                if (!item.leaf() && at + item.length() > from) {
                    expand.add(item.hash());
                }
                at += item.length();
            }
            Map<ContentHash, List<AtomRepository.Piece>> children = repetitive
                    ? fromMemory(tenant, expand, seen, stats) : joined(tenant, expand, seen, stats);
            // content that repeats its atoms (text, code) reads them once; content that does not
            // (model weights) reads components with their values in one joined query
            repetitive = stats[0] * 10 <= stats[1] * 7;
            stats[0] = 0;
            stats[1] = 0;
            List<Item> replaced = new ArrayList<>();
            for (Item item : window) {
                List<AtomRepository.Piece> kids = item.leaf() ? null : children.get(item.hash());
                if (kids == null) {
                    if (!item.leaf() && expand.contains(item.hash())) {
                        throw new IllegalStateException("composite " + item.hash() + " has no stored components");
                    }
                    replaced.add(item);
                } else {
                    long total = 0;
                    for (AtomRepository.Piece c : kids) {
                        total += c.length();
                        replaced.add(new Item(c.hash(), c.length(), c.value()));
                    }
                    if (total != item.length()) {
                        // some of its components are not stored (invariant 3 broken in the store):
                        // an error, never content shorter or longer than the atom
                        throw new IllegalStateException("composite " + item.hash() + " rebuilds to " + total
                                + " of its " + item.length() + " bytes: components are missing");
                    }
                }
            }
            for (int i = replaced.size() - 1; i >= 0; i--) {
                frontier.addFirst(replaced.get(i));
            }
        }
    }
}
