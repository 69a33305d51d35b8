package io.hartonomous.search.index;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * BM25 (k1 = 1.2, b = 0.75) over one tenant's units, in memory (Lucene on a
 * {@link ByteBuffersDirectory}). One instance per tenant: a query can only ever see the documents
 * of the index it runs on, so tenant isolation does not depend on a query clause. Filters are
 * FILTER clauses of the same query, so they restrict the candidates scored, not the results.
 */
public final class TextIndex implements AutoCloseable {

    public static final float K1 = 1.2f;
    public static final float B = 0.75f;
    private static final BpeAnalyzer ANALYZER = new BpeAnalyzer();

    private final ByteBuffersDirectory dir = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;

    public TextIndex() {
        try {
            IndexWriterConfig config = new IndexWriterConfig(ANALYZER).setSimilarity(new BM25Similarity(K1, B))
                    .setRAMBufferSizeMB(32);
            writer = new IndexWriter(dir, config);
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds units (ordinals of the tenant index) with their texts; visible to the next search. */
    public void add(List<Integer> ords, List<Unit> units, List<String> texts) {
        try {
            List<Document> docs = new ArrayList<>(ords.size());
            for (int i = 0; i < ords.size(); i++) {
                Unit u = units.get(i);
                Document d = new Document();
                d.add(new NumericDocValuesField("ord", ords.get(i)));
                d.add(new TextField("text", texts.get(i), Field.Store.NO));
                d.add(new StringField("modality", u.modality(), Field.Store.NO));
                if (u.subtype() != null) {
                    d.add(new StringField("subtype", u.subtype(), Field.Store.NO));
                }
                d.add(new LongPoint("created", u.createdMillis()));
                d.add(new LongPoint("atom", u.atomId()));
                docs.add(d);
            }
            writer.addDocuments(docs);
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the documents of these atoms; gone from the next search. */
    public void remove(java.util.Collection<Long> atomIds) {
        if (atomIds.isEmpty()) {
            return;
        }
        try {
            writer.deleteDocuments(LongPoint.newSetQuery("atom", atomIds));
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best {@code k} units for the query's terms that pass the filter; empty if the query has no terms. */
    public List<Hit> search(String query, int k, Filter filter) {
        Query terms = new QueryBuilder(ANALYZER).createBooleanQuery("text", query, BooleanClause.Occur.SHOULD);
        if (terms == null) {
            return List.of();
        }
        BooleanQuery.Builder q = new BooleanQuery.Builder().add(terms, BooleanClause.Occur.MUST);
        if (filter.modalities() != null) {
            q.add(set("modality", filter.modalities()), BooleanClause.Occur.FILTER);
        }
        if (filter.subtypes() != null) {
            q.add(set("subtype", filter.subtypes()), BooleanClause.Occur.FILTER);
        }
        if (filter.atomIds() != null) {
            q.add(LongPoint.newSetQuery("atom", filter.atomIds()), BooleanClause.Occur.FILTER);
        }
        if (filter.createdFrom() != null || filter.createdTo() != null) {
            long from = filter.createdFrom() == null ? Long.MIN_VALUE : filter.createdFrom();
            long to = filter.createdTo() == null ? Long.MAX_VALUE : filter.createdTo() - 1;
            q.add(LongPoint.newRangeQuery("created", from, to), BooleanClause.Occur.FILTER);
        }
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                searcher.setSimilarity(new BM25Similarity(K1, B));
                TopDocs top = searcher.search(q.build(), k);
                List<Hit> out = new ArrayList<>(top.scoreDocs.length);
                List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
                for (ScoreDoc sd : top.scoreDocs) {
                    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                    NumericDocValues ords = leaf.reader().getNumericDocValues("ord");
                    if (ords != null && ords.advanceExact(sd.doc - leaf.docBase)) {
                        out.add(new Hit((int) ords.longValue(), sd.score));
                    }
                }
                return out;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Query set(String field, Set<String> values) {
        return new TermInSetQuery(field, values.stream().map(BytesRef::new).toList());
    }

    @Override
    public void close() throws IOException {
        searchers.close();
        writer.close();
        dir.close();
    }

    static Term term(String field, String value) {
        return new Term(field, value);
    }
}
