package io.hartonomous.atom.atomize.git;

import io.hartonomous.atom.atomize.AtomNode;
import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.atom.atomize.Atomizer;
import io.hartonomous.atom.atomize.Grouper;
import io.hartonomous.atom.atomize.HashingInputStream;
import io.hartonomous.atom.atomize.MalformedInputException;
import io.hartonomous.atom.atomize.Sniff;
import io.hartonomous.atom.atomize.TreeWriter;
import io.hartonomous.atom.atomize.binary.BinaryAtomizer;
import io.hartonomous.atom.atomize.text.TextAtomizer;
import io.hartonomous.common.hash.ContentHash;
import com.knuddels.jtokkit.api.IntArrayList;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevFlag;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/**
 * The repository view of a (validated) repository: {@code repository} → {@code revision} per
 * commit → the {@code commit} object, then the trees and blobs this commit is the first to
 * reach, depth first in tree order. Every object appears once, in the revision that introduces
 * it, so the view costs what the repository's objects cost, not commits × files. Each
 * {@code commit} and {@code tree} atom's content is the raw object (what {@code git cat-file}
 * prints), each blob's content is the file, so their hashes are the SHA-256 of those bytes.
 *
 * <p>Construction walks every object reachable from the tips once (jgit's {@link ObjectWalk}),
 * checking that none is missing and that the counts and inflated size are within
 * {@link GitLimits}, before anything is emitted. Commits are then ordered parents first, ties
 * broken by object id, which makes the view deterministic whatever the order of the refs.
 */
final class RepositoryView implements AutoCloseable {

    static final String MODALITY = GitAtomizer.MODALITY;
    /** Children of one level before content-defined grouping starts. */
    private static final int GROUP = 256;
    /** Longest commit line written as one unit. */
    private static final int MAX_LINE = 64 * 1024;
    private static final int SNIFF_BYTES = 4096;
    /**
     * Binary blobs up to this size are one {@code blob} level of 64-byte leaves (held in memory); larger
     * ones are content-defined chunks, and their atom takes the subtype of its top chunk group when
     * there is only one.
     */
    private static final int INLINE_BLOB = 64 * 1024;

    private final ObjectReader reader;
    private final ObjectWalk walk;
    private final List<RevCommit> commits;
    private final GitLimits limits;
    private final Function<Sniff, Atomizer> blobs;
    private final IntArrayList single = new IntArrayList(1);

    private RepositoryView(ObjectReader reader, ObjectWalk walk, List<RevCommit> commits, GitLimits limits,
                           Function<Sniff, Atomizer> blobs) {
        this.reader = reader;
        this.walk = walk;
        this.commits = commits;
        this.limits = limits;
        this.blobs = blobs;
    }

    /**
     * Walks and checks everything reachable from {@code tips} (annotated tags are peeled; tips
     * that are not commits are ignored).
     *
     * @throws MalformedInputException when an object is missing or corrupt, or a limit is exceeded
     */
    static RepositoryView read(Repository repository, Collection<ObjectId> tips, GitLimits limits, long inputBytes,
                               Function<Sniff, Atomizer> blobs) throws IOException {
        ObjectReader reader = repository.newObjectReader();
        ObjectWalk walk = new ObjectWalk(reader);
        try {
            walk.setRetainBody(false);
            for (ObjectId tip : new java.util.TreeSet<>(tips)) {
                RevObject peeled = walk.peel(walk.parseAny(tip));
                if (peeled instanceof RevCommit commit) {
                    walk.markStart(commit);
                }
            }
            long budget = limits.viewBudget(inputBytes);
            long objects = 0;
            long bytes = 0;
            List<RevCommit> all = new ArrayList<>();
            for (RevCommit c; (c = walk.next()) != null; ) {
                all.add(c);
                bytes += metadataSize(reader, c, Constants.OBJ_COMMIT, limits);
                objects = count(objects, limits);
                checkBudget(bytes, budget);
            }
            for (RevObject o; (o = walk.nextObject()) != null; ) {
                bytes += o.getType() == Constants.OBJ_TREE
                        ? metadataSize(reader, o, Constants.OBJ_TREE, limits) : reader.getObjectSize(o, o.getType());
                objects = count(objects, limits);
                checkBudget(bytes, budget);
            }
            return new RepositoryView(reader, walk, parentsFirst(all), limits, blobs);
        } catch (MissingObjectException e) {
            close(walk, reader);
            throw new MalformedInputException("The repository is incomplete: " + e.getMessage() + ".");
        } catch (MalformedInputException e) {
            close(walk, reader);
            throw e;
        } catch (IOException | RuntimeException e) {
            close(walk, reader);
            throw new MalformedInputException("The repository is corrupt: " + e.getMessage());
        }
    }

    boolean isEmpty() {
        return commits.isEmpty();
    }

    /**
     * Emits the view at the writer's current level and records {@code derives_from} from each
     * commit to each of its parents.
     *
     * @return the view's root, or null when there are no commits
     */
    TreeWriter.Ref write(TreeWriter tree, AtomizeContext context) throws IOException {
        if (commits.isEmpty()) {
            return null;
        }
        try {
            RevFlag emitted = walk.newFlag("emitted");
            Map<ObjectId, ContentHash> written = new HashMap<>();
            AtomizeContext nested = nested(context);
            tree.open(MODALITY, "repository");
            Grouper history = commits.size() > GROUP ? new Grouper(tree, 2, 15, GROUP, MODALITY, "history") : null;
            for (RevCommit commit : commits) {
                if (history != null) {
                    history.beforeUnit();
                }
                TreeWriter.Ref revision = revision(tree, commit, emitted, written, context, nested);
                if (history != null) {
                    history.afterUnit(revision, false);
                }
            }
            if (history != null) {
                history.finish();
            }
            return tree.close();
        } catch (MissingObjectException e) {
            throw new MalformedInputException("The repository is incomplete: " + e.getMessage() + ".");
        } catch (org.eclipse.jgit.errors.CorruptObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException
                 | LargeObjectException e) {
            throw new MalformedInputException("The repository is corrupt: " + e.getMessage());
        }
    }

    private TreeWriter.Ref revision(TreeWriter tree, RevCommit commit, RevFlag emitted, Map<ObjectId, ContentHash> written,
                                    AtomizeContext context, AtomizeContext nested) throws IOException {
        byte[] raw = reader.open(commit, Constants.OBJ_COMMIT).getCachedBytes((int) Math.min(Integer.MAX_VALUE - 8,
                limits.maxMetadataBytes()));
        ContentHash hash = ContentHash.sha256(raw);
        written.put(commit.copy(), hash);
        Set<RevCommit> parents = new LinkedHashSet<>(List.of(commit.getParents()));
        for (RevCommit parent : parents) {
            context.relation(hash, written.get(parent), "derives_from", 1.0);
        }
        List<Item> items = newObjects(commit.getTree(), emitted);
        tree.open(MODALITY, "revision");
        writeCommit(tree, raw, hash);
        Grouper groups = items.size() > GROUP ? new Grouper(tree, 1, 15, GROUP, MODALITY, "group") : null;
        for (Item item : items) {
            if (groups != null) {
                groups.beforeUnit();
            }
            TreeWriter.Ref ref = item.tree()
                    ? writeTree(tree, reader.open(item.id(), Constants.OBJ_TREE).getCachedBytes(
                    (int) Math.min(Integer.MAX_VALUE - 8, limits.maxMetadataBytes())))
                    : writeBlob(tree, item, nested);
            if (groups != null) {
                groups.afterUnit(ref, false);
            }
        }
        if (groups != null) {
            groups.finish();
        }
        return tree.close();
    }

    /** A tree or blob a revision introduces, with the name it first appears under (blobs only). */
    private record Item(boolean tree, ObjectId id, String name) {
    }

    /** Trees and blobs under {@code root} not emitted before, depth first in tree order. */
    private List<Item> newObjects(RevTree root, RevFlag emitted) throws IOException {
        List<Item> items = new ArrayList<>();
        if (root.has(emitted)) {
            return items;
        }
        root.add(emitted);
        items.add(new Item(true, root.copy(), ""));
        Deque<CanonicalTreeParser> stack = new ArrayDeque<>();
        stack.push(new CanonicalTreeParser(null, reader, root));
        while (!stack.isEmpty()) {
            CanonicalTreeParser p = stack.peek();
            if (p.eof()) {
                stack.pop();
                continue;
            }
            int type = FileMode.fromBits(p.getEntryRawMode()).getObjectType();
            ObjectId id = p.getEntryObjectId();
            String name = p.getEntryPathString();
            p.next(1);
            if (type == Constants.OBJ_TREE) {
                RevTree sub = walk.lookupTree(id);
                if (!sub.has(emitted)) {
                    sub.add(emitted);
                    items.add(new Item(true, sub.copy(), name));
                    stack.push(new CanonicalTreeParser(null, reader, sub));
                }
            } else if (type == Constants.OBJ_BLOB) {
                RevObject blob = walk.lookupBlob(id);
                if (!blob.has(emitted)) {
                    blob.add(emitted);
                    items.add(new Item(false, blob.copy(), name));
                }
            } // submodule commits (gitlinks) belong to another repository
        }
        return items;
    }

    /** The commit object as lines (headers, blank line, message) of BPE tokens. */
    private void writeCommit(TreeWriter tree, byte[] raw, ContentHash hash) throws IOException {
        tree.open(MODALITY, "commit");
        int at = 0;
        while (at < raw.length) {
            int end = at;
            while (end < raw.length && end - at < MAX_LINE && raw[end++] != '\n') {
                // to the end of the line, inclusive
            }
            TextAtomizer.writeLine(tree, raw, at, end - at, MODALITY, single);
            at = end;
        }
        verify(tree.close(), hash, raw.length, "commit");
    }

    /** The tree object, entry by entry ({@code mode name\0id}). */
    private TreeWriter.Ref writeTree(TreeWriter tree, byte[] raw) throws IOException {
        ContentHash hash = ContentHash.sha256(raw);
        if (raw.length == 0) {
            return null; // the empty tree has no content, hence no atom
        }
        if (raw.length <= AtomNode.MAX_LEAF) {
            return tree.leaf(raw, 0, raw.length, MODALITY, "tree");
        }
        List<int[]> entries = entries(raw);
        tree.open(MODALITY, "tree");
        Grouper groups = entries.size() > GROUP ? new Grouper(tree, 1, 31, GROUP, MODALITY, "entries") : null;
        for (int[] e : entries) {
            int length = e[1] - e[0];
            if (groups != null) {
                groups.beforeUnit();
            }
            TreeWriter.Ref ref;
            if (length <= AtomNode.MAX_LEAF) {
                ref = tree.leaf(raw, e[0], length, MODALITY, "entry");
            } else if (entries.size() == 1) {
                tree.bytes(raw, e[0], length, MODALITY, "entry"); // a lone entry level would become the tree
                ref = null;
            } else {
                tree.open(MODALITY, "entry");
                tree.bytes(raw, e[0], length, MODALITY, "bytes");
                ref = tree.close();
            }
            if (groups != null) {
                groups.afterUnit(ref, false);
            }
        }
        if (groups != null) {
            groups.finish();
        }
        return verify(tree.close(), hash, raw.length, "tree");
    }

    /** [start, end) of each entry of a raw tree. */
    private static List<int[]> entries(byte[] raw) throws MalformedInputException {
        List<int[]> entries = new ArrayList<>();
        int at = 0;
        while (at < raw.length) {
            int nul = at;
            while (nul < raw.length && raw[nul] != 0) {
                nul++;
            }
            int end = nul + 1 + Constants.OBJECT_ID_LENGTH;
            if (nul == raw.length || end > raw.length) {
                throw new MalformedInputException("The repository is corrupt: a tree object is truncated.");
            }
            entries.add(new int[]{at, end});
            at = end;
        }
        return entries;
    }

    /**
     * The blob's content through the atomizer of its own modality (chosen by its name and
     * content), or as {@code blob} bytes when none fits better than binary.
     */
    private TreeWriter.Ref writeBlob(TreeWriter tree, Item item, AtomizeContext nested) throws IOException {
        ObjectLoader loader = reader.open(item.id(), Constants.OBJ_BLOB);
        long size = loader.getSize();
        if (size == 0) {
            return null; // empty content has no atom
        }
        try (InputStream raw = loader.openStream();
             BufferedInputStream buffered = new BufferedInputStream(raw, 64 * 1024)) {
            buffered.mark(SNIFF_BYTES);
            byte[] head = buffered.readNBytes(SNIFF_BYTES);
            buffered.reset();
            HashingInputStream in = new HashingInputStream(buffered);
            Sniff sniff = new Sniff(fileName(item.name()), head, size);
            Atomizer atomizer = blobs.apply(sniff);
            int base = tree.depth();
            TreeWriter.Ref ref = null;
            if (atomizer == null || atomizer instanceof BinaryAtomizer) {
                if (size <= INLINE_BLOB) {
                    byte[] content = in.readAllBytes();
                    if (content.length <= AtomNode.MAX_LEAF) {
                        ref = tree.leaf(content, 0, content.length, MODALITY, "blob");
                    } else {
                        tree.open(MODALITY, "blob");
                        tree.bytes(content, 0, content.length, MODALITY, "bytes");
                    }
                } else {
                    tree.open(MODALITY, "blob");
                    BinaryAtomizer.writeChunked(in, tree, MODALITY, "chunk", "bytes");
                }
            } else {
                atomizer.atomize(in, sniff, tree, nested);
            }
            while (tree.depth() > base) {
                ref = tree.close();
            }
            if (in.read() >= 0) {
                throw new IllegalStateException("an atomizer left part of a blob unread");
            }
            return verify(ref, in.finish(), size, "blob");
        }
    }

    /** Checks that what a level became is exactly the object it stands for (a bug otherwise). */
    private static TreeWriter.Ref verify(TreeWriter.Ref ref, ContentHash expected, long length, String what) {
        if (ref == null || !ref.hash().equals(expected) || ref.length() != length) {
            throw new IllegalStateException("the " + what + " atom does not rebuild its object (" + ref + ")");
        }
        return ref;
    }

    /** The last path component, which atomizers read the extension from. */
    private static String fileName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.length() > 255 ? name.substring(name.length() - 255) : name;
    }

    /** Relations pass through; a second root cannot: it would land inside the repository view. */
    private static AtomizeContext nested(AtomizeContext outer) {
        return AtomizeContext.nestedIn(outer, "an atomizer writing a second view cannot atomize a blob");
    }

    /** Parents before children; among commits whose parents are all placed, the smallest id first. */
    private static List<RevCommit> parentsFirst(List<RevCommit> all) {
        Map<RevCommit, Integer> waiting = new HashMap<>();
        Map<RevCommit, List<RevCommit>> children = new HashMap<>();
        PriorityQueue<RevCommit> ready = new PriorityQueue<>(ObjectId::compareTo);
        for (RevCommit c : all) {
            Set<RevCommit> parents = new LinkedHashSet<>(List.of(c.getParents()));
            for (RevCommit p : parents) {
                children.computeIfAbsent(p, k -> new ArrayList<>(1)).add(c);
            }
            if (parents.isEmpty()) {
                ready.add(c);
            } else {
                waiting.put(c, parents.size());
            }
        }
        List<RevCommit> order = new ArrayList<>(all.size());
        while (!ready.isEmpty()) {
            RevCommit c = ready.poll();
            order.add(c);
            for (RevCommit child : children.getOrDefault(c, List.of())) {
                if (waiting.merge(child, -1, Integer::sum) == 0) {
                    waiting.remove(child);
                    ready.add(child);
                }
            }
        }
        if (order.size() != all.size()) {
            throw new IllegalStateException("commit graph has a cycle"); // impossible with SHA-1 ids
        }
        return order;
    }

    private static long metadataSize(ObjectReader reader, RevObject o, int type, GitLimits limits) throws IOException {
        long size = reader.getObjectSize(o, type);
        if (size > limits.maxMetadataBytes()) {
            throw new MalformedInputException("The repository has a " + Constants.typeString(type) + " object of " + size
                    + " bytes; the limit is " + limits.maxMetadataBytes() + ".");
        }
        return size;
    }

    private static long count(long objects, GitLimits limits) throws MalformedInputException {
        if (objects + 1 > limits.maxObjects()) {
            throw new MalformedInputException("The repository has more than " + limits.maxObjects() + " objects.");
        }
        return objects + 1;
    }

    private static void checkBudget(long bytes, long budget) throws MalformedInputException {
        if (bytes > budget) {
            throw new MalformedInputException("The repository's objects inflate to more than " + budget
                    + " bytes, over the limit for an input of this size.");
        }
    }

    @Override
    public void close() {
        close(walk, reader);
    }

    private static void close(ObjectWalk walk, ObjectReader reader) {
        walk.close();
        reader.close();
    }
}
