package io.hartonomous.atom.read;

import io.hartonomous.atom.store.AtomRecord;
import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.atom.store.ChildRecord;
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
 * frontier, and each query expands up to 256 composites at once; subtrees wholly outside the
 * requested range are skipped by their length without being read.
 */
@ApplicationScoped
public class ContentReader {

    private static final int EXPAND_AT_ONCE = 256;
    private final AtomRepository atoms;

    public ContentReader(AtomRepository atoms) {
        this.atoms = atoms;
    }

    private record Item(ContentHash hash, long length, byte[] value) {
        boolean leaf() {
            return length == value.length;
        }
    }

    /** Writes bytes {@code [from, to]} (inclusive) of the atom's content. */
    public void write(int tenant, AtomRecord atom, long from, long to, OutputStream out) throws IOException {
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
            List<ContentHash> expand = new ArrayList<>();
            long at = offset;
            while (!frontier.isEmpty() && expand.size() < EXPAND_AT_ONCE && at <= to) {
                Item item = frontier.pollFirst();
                window.add(item);
                if (!item.leaf() && at + item.length() > from) {
                    expand.add(item.hash());
                }
                at += item.length();
            }
            Map<ContentHash, List<ChildRecord>> children = atoms.children(tenant, expand);
            List<Item> replaced = new ArrayList<>();
            for (Item item : window) {
                List<ChildRecord> kids = item.leaf() ? null : children.get(item.hash());
                if (kids == null) {
                    if (!item.leaf() && expand.contains(item.hash())) {
                        throw new IllegalStateException("composite " + item.hash() + " has no stored components");
                    }
                    replaced.add(item);
                } else {
                    for (ChildRecord c : kids) {
                        replaced.add(new Item(c.child(), c.length(), c.value()));
                    }
                }
            }
            for (int i = replaced.size() - 1; i >= 0; i--) {
                frontier.addFirst(replaced.get(i));
            }
        }
    }
}
