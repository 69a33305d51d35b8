package io.hartonomous.search.query;

import io.hartonomous.common.error.HartonomousException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchParamsTest {

    static SearchParams parse(String q, String mode, String k, String from, String to) {
        return SearchParams.parse(q, mode, k, "text, code", "method", "5", from, to, "score", "0.5", null, "true", 1000, 2048);
    }

    @Test
    void parsesEveryParameter() {
        SearchParams p = parse("hello", "vector", "25", "2026-01-01", "2026-02-01T00:00:00Z");
        assertThat(p.mode()).isEqualTo(Mode.VECTOR);
        assertThat(p.k()).isEqualTo(25);
        assertThat(p.modalities()).containsExactly("text", "code");
        assertThat(p.subtypes()).containsExactly("method");
        assertThat(p.concept()).isEqualTo(5L);
        assertThat(p.createdFrom()).isEqualTo(1767225600000L);
        assertThat(p.createdTo()).isEqualTo(1769904000000L);
        assertThat(p.scoreFusion()).isTrue();
        assertThat(p.bm25Weight()).isEqualTo(0.5);
        assertThat(p.vectorWeight()).isNull();
        assertThat(p.exact()).isTrue();
        assertThat(SearchParams.parse("x", null, null, null, null, null, null, null, null, null, null, null, 1000, 2048).mode())
                .isEqualTo(Mode.HYBRID);
    }

    @Test
    void refusesOutOfRangeValuesNamingTheParameter() {
        assertThatThrownBy(() -> parse(" ", null, null, null, null)).isInstanceOf(HartonomousException.class).hasMessageContaining("'q'");
        assertThatThrownBy(() -> parse("x".repeat(2049), null, null, null, null)).hasMessageContaining("2049 characters");
        assertThatThrownBy(() -> parse("x", "knn", null, null, null)).hasMessageContaining("'mode'");
        assertThatThrownBy(() -> parse("x", null, "1000000000", null, null)).hasMessageContaining("'k'");
        assertThatThrownBy(() -> parse("x", null, "99999999999999999999", null, null)).hasMessageContaining("'k'");
        assertThatThrownBy(() -> parse("x", null, null, "31/01/2026", null)).hasMessageContaining("'createdFrom'");
    }
}
