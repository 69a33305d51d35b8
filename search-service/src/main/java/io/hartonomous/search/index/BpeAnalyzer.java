package io.hartonomous.search.index;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * BM25 terms are the atoms' tokens: the cl100k_base BPE tokens that atom-service's text atomizer
 * cuts lines into (jtokkit), taken from the lower-cased text so that matching ignores case, with
 * surrounding whitespace trimmed and tokens without a letter or digit dropped. A long or rare word
 * is several tokens (sub-words), which acts as a light stemmer.
 */
public final class BpeAnalyzer extends Analyzer {

    static final Encoding CL100K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final AtomicReferenceArray<String> TERMS = new AtomicReferenceArray<>(200_000);

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        return new TokenStreamComponents(new BpeTokenizer());
    }

    /** The terms of a text, in order (what the index and the query both see). */
    public static List<String> terms(String text) {
        IntArrayList ids = CL100K.encodeOrdinary(text.toLowerCase(Locale.ROOT));
        List<String> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String t = term(ids.get(i));
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private static String term(int id) {
        String cached = id < TERMS.length() ? TERMS.get(id) : null;
        if (cached != null) {
            return cached.isEmpty() ? null : cached;
        }
        IntArrayList one = new IntArrayList(1);
        one.add(id);
        String t = new String(CL100K.decodeBytes(one), StandardCharsets.UTF_8).strip();
        boolean word = false;
        for (int i = 0; i < t.length() && !word; i++) {
            word = Character.isLetterOrDigit(t.charAt(i));
        }
        String value = word ? t : "";
        if (id < TERMS.length()) {
            TERMS.set(id, value);
        }
        return word ? t : null;
    }

    static final class BpeTokenizer extends Tokenizer {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private List<String> terms = List.of();
        private int next;

        @Override
        public boolean incrementToken() {
            clearAttributes();
            if (next >= terms.size()) {
                return false;
            }
            term.setEmpty().append(terms.get(next++));
            return true;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[4096];
            for (int n; (n = input.read(buf)) > 0; ) {
                sb.append(buf, 0, n);
            }
            terms = terms(sb.toString());
            next = 0;
        }
    }
}
