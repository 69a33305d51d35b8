package io.hartonomous.search;

import io.hartonomous.common.db.Database;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.db.Tx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes atom trees the way atom-service does (content-addressed atoms, ordered composition edges,
 * a pinned root), without atom-service: a document composite over part composites over leaves of
 * at most 64 bytes.
 */
public final class TestingStore {

    private final Database db;

    public TestingStore(Database db) {
        this.db = db;
    }

    /** A part of a document: its subtype (block, method, …) and text. */
    public record Part(String subtype, String text) {
    }

    /** A text file cut into paragraphs (blank-line separated) as {@code block} parts. */
    public ContentHash text(int tenant, String name, String text) {
        List<Part> parts = new ArrayList<>();
        for (String p : text.split("(?<=\n\n)")) {
            parts.add(new Part("block", p));
        }
        return document(tenant, name, "text", parts);
    }

    /** A document of the given parts; returns its hash (the file's SHA-256). */
    public ContentHash document(int tenant, String name, String modality, List<Part> parts) {
        if (parts.size() == 1) {
            ContentHash only = node(tenant, parts.getFirst().text().getBytes(StandardCharsets.UTF_8), modality, "document");
            pin(tenant, only, name);
            return only;
        }
        List<ContentHash> partHashes = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (Part p : parts) {
            byte[] bytes = p.text().getBytes(StandardCharsets.UTF_8);
            partHashes.add(node(tenant, bytes, modality, p.subtype()));
            all.append(p.text());
        }
        byte[] doc = all.toString().getBytes(StandardCharsets.UTF_8);
        ContentHash root = ContentHash.sha256(doc);
        if (doc.length > 64) {
            atom(tenant, root, doc, modality, "document");
            edges(tenant, root, partHashes);
        } else {
            atom(tenant, root, doc, modality, "document");
        }
        pin(tenant, root, name);
        return root;
    }

    /** A single-atom (≤ 64 bytes) or chunked binary file of some modality. */
    public ContentHash file(int tenant, String name, String modality, byte[] bytes) {
        ContentHash root = node(tenant, bytes, modality, "document");
        pin(tenant, root, name);
        return root;
    }

    private ContentHash node(int tenant, byte[] bytes, String modality, String subtype) {
        ContentHash h = ContentHash.sha256(bytes);
        if (bytes.length <= 64) {
            atom(tenant, h, bytes, modality, subtype);
            return h;
        }
        List<ContentHash> leaves = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 64) {
            byte[] leaf = Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 64));
            ContentHash lh = ContentHash.sha256(leaf);
            atom(tenant, lh, leaf, modality, "token");
            leaves.add(lh);
        }
        atom(tenant, h, bytes, modality, subtype);
        edges(tenant, h, leaves);
        return h;
    }

    private void atom(int tenant, ContentHash h, byte[] bytes, String modality, String subtype) {
        byte[] value = bytes.length <= 64 ? bytes : Arrays.copyOf(bytes, 64);
        Tx.execute(db, db.dialect().insertIfAbsent("dbo.Atom", List.of("TenantId", "ContentHash", "AtomicValue", "ContentLength",
                        "Modality", "Subtype"), List.of("TenantId", "ContentHash")),
                List.of(tenant, h.bytes(), value, (long) bytes.length, modality, subtype), "insert atom");
    }

    private void edges(int tenant, ContentHash parent, List<ContentHash> children) {
        Long existing = Tx.execute(db, db.dialect().render("SELECT COUNT(*) FROM dbo.AtomComposition WHERE TenantId = ? AND ParentAtomHash = ?"),
                List.of(tenant, parent.bytes()), "count").iterator().next().getLong(0);
        if (existing > 0) {
            return;
        }
        for (int i = 0; i < children.size(); i++) {
            Tx.execute(db, db.dialect().render("INSERT INTO dbo.AtomComposition (TenantId, ParentAtomHash, ComponentAtomHash, "
                    + "SequenceIndex) VALUES (?, ?, ?, ?)"), List.of(tenant, parent.bytes(), children.get(i).bytes(), (long) i), "edge");
        }
    }

    private void pin(int tenant, ContentHash root, String name) {
        Tx.execute(db, db.dialect().render("INSERT INTO dbo.AtomRoot (TenantId, RootHash, SourceName) VALUES (?, ?, ?)"),
                List.of(tenant, root.bytes(), name), "pin");
    }
}
