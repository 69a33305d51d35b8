package io.hartonomous.search.store;

import io.hartonomous.common.db.PostgresDialect;
import io.hartonomous.common.db.SqlServerDialect;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.insert.Insert;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AtomEmbedding insert fills EmbeddingVector VECTOR(384) on SQL Server from the same vector
 * as EmbeddingBytes, and parses as T-SQL (JSqlParser 5.4; no SQL Server runs here).
 */
class SqlServerEmbeddingInsertTest {

    @Test
    void sqlServerInsertCastsTheVectorTextToVector384AndParses() throws Exception {
        for (boolean returning : List.of(false, true)) {
            String sql = SearchRepository.embeddingInsert(new SqlServerDialect(), returning).sql();
            assertThat(sql).startsWith("INSERT INTO dbo.AtomEmbedding (TenantId, SourceAtomId, ModelId, EmbeddingBytes, Dimensions,"
                    + " SpatialX, SpatialY, SpatialZ, HilbertValue, EmbeddingVector)");
            assertThat(sql).contains("CAST(s.EmbeddingVector AS VECTOR(384)) FROM (SELECT")
                    .contains("j.c9 AS EmbeddingVector")
                    .contains("c9 NVARCHAR(MAX) '$.c9'");
            assertThat(sql.contains(" OUTPUT INSERTED.SourceAtomId ")).isEqualTo(returning);
            // JSqlParser 5.4 reads OPENJSON(...) only as a function (not its WITH column schema) and
            // lacks the UPDLOCK / HOLDLOCK hints: both are dialect constructs SqlServerDialectTest pins
            String readable = withNolockHints(withoutOpenJsonSchema(sql));
            Statement statement = parse(readable);
            assertThat(statement).isInstanceOf(Insert.class);
            assertThat(statement.toString()).contains("CAST(s.EmbeddingVector AS VECTOR (384))");
            assertThatThrownBy(() -> parse(sql)).isInstanceOf(JSQLParserException.class);
        }
    }

    @Test
    void postgresInsertHasNoVectorColumn() {
        assertThat(SearchRepository.embeddingInsert(new PostgresDialect(), false).sql()).doesNotContain("EmbeddingVector");
        assertThat(SearchRepository.embeddingInsert(new PostgresDialect(), true).sql()).doesNotContain("EmbeddingVector")
                .endsWith("RETURNING SourceAtomId");
    }

    @Test
    void vectorTextIsAJsonArrayThatReadsBackExactly() {
        float[] v = {0.1f, -1.5e-7f, 3f, Float.MIN_VALUE, -0f};
        String json = SearchRepository.jsonArray(v);
        assertThat(json).startsWith("[").endsWith("]").doesNotContain("E").doesNotContain("e");
        String[] parts = json.substring(1, json.length() - 1).split(",");
        assertThat(parts).hasSize(v.length);
        for (int i = 0; i < v.length; i++) {
            assertThat(Float.parseFloat(parts[i])).isEqualTo(v[i]);
        }
    }

    private static Statement parse(String sql) throws JSQLParserException {
        return CCJSqlParserUtil.parse(sql, parser -> parser.withSquareBracketQuotation(true));
    }

    private static String withNolockHints(String sql) {
        return sql.replace("WITH (UPDLOCK, HOLDLOCK)", "WITH (NOLOCK)");
    }

    private static String withoutOpenJsonSchema(String sql) {
        String stripped = sql.replaceAll("OPENJSON\\(@p1\\) WITH \\((?:[^()]|\\([^()]*\\))*\\)", "OPENJSON(@p1)");
        assertThat(stripped).isNotEqualTo(sql);
        return stripped;
    }
}
