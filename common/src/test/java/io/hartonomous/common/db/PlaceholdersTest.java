package io.hartonomous.common.db;

import org.junit.jupiter.api.Test;

import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

class PlaceholdersTest {

    private static final IntFunction<String> DOLLAR = n -> "$" + n;

    private static String pg(String sql) {
        return Placeholders.rewrite(sql, false, DOLLAR);
    }

    private static String mssql(String sql) {
        return Placeholders.rewrite(sql, true, n -> "@p" + n);
    }

    @Test
    void replacesPlaceholdersInOrder() {
        assertThat(pg("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"))
                .isEqualTo("SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
        assertThat(mssql("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"))
                .isEqualTo("SELECT a FROM t WHERE b = @p1 AND c IN (@p2, @p3)");
    }

    @Test
    void replacesAdjacentPlaceholders() {
        assertThat(pg("??,?")).isEqualTo("$1$2,$3");
    }

    @Test
    void leavesTextWithoutPlaceholdersUnchanged() {
        String sql = "SELECT 1 FROM t -- done\n/* c */ WHERE 'x' = \"y\"";

        assertThat(pg(sql)).isEqualTo(sql);
        assertThat(pg("")).isEmpty();
    }

    @Test
    void skipsPlaceholdersInStringLiterals() {
        assertThat(pg("SELECT '?', ? FROM t WHERE a = 'what?' AND b = ?"))
                .isEqualTo("SELECT '?', $1 FROM t WHERE a = 'what?' AND b = $2");
    }

    @Test
    void handlesDoubledQuotesInsideLiterals() {
        assertThat(pg("SELECT 'it''s ?', ? FROM t")).isEqualTo("SELECT 'it''s ?', $1 FROM t");
    }

    @Test
    void skipsPlaceholdersInQuotedIdentifiers() {
        assertThat(pg("SELECT \"odd?name\" FROM t WHERE x = ?")).isEqualTo("SELECT \"odd?name\" FROM t WHERE x = $1");
    }

    @Test
    void skipsPlaceholdersInLineComments() {
        assertThat(pg("SELECT ? -- why? because?\nFROM t WHERE x = ?"))
                .isEqualTo("SELECT $1 -- why? because?\nFROM t WHERE x = $2");
        assertThat(pg("SELECT ? -- trailing?")).isEqualTo("SELECT $1 -- trailing?");
    }

    @Test
    void skipsPlaceholdersInBlockComments() {
        assertThat(pg("SELECT /* a? \n b? */ ? FROM t /* ? */ WHERE x = ?"))
                .isEqualTo("SELECT /* a? \n b? */ $1 FROM t /* ? */ WHERE x = $2");
    }

    @Test
    void leavesUnterminatedLiteralOrCommentAsIs() {
        assertThat(pg("SELECT ? WHERE a = 'open?")).isEqualTo("SELECT $1 WHERE a = 'open?");
        assertThat(pg("SELECT ? /* open?")).isEqualTo("SELECT $1 /* open?");
    }

    @Test
    void singleDashAndSlashAreOperators() {
        assertThat(pg("SELECT ? - ?, ? / ? FROM t")).isEqualTo("SELECT $1 - $2, $3 / $4 FROM t");
    }

    @Test
    void skipsBracketedIdentifiersOnlyWhenAsked() {
        String sql = "SELECT [x?] FROM t WHERE a[?] = ?";

        assertThat(mssql(sql)).isEqualTo("SELECT [x?] FROM t WHERE a[?] = @p1");
        assertThat(pg(sql)).isEqualTo("SELECT [x$1] FROM t WHERE a[$2] = $3");
    }

    @Test
    void dialectsRenderThroughPlaceholders() {
        String sql = "SELECT [a?], '?' FROM t WHERE b = ? -- ?";

        assertThat(new PostgresDialect().render(sql)).isEqualTo("SELECT [a$1], '?' FROM t WHERE b = $2 -- ?");
        assertThat(new SqlServerDialect().render(sql)).isEqualTo("SELECT [a?], '?' FROM t WHERE b = @p1 -- ?");
    }
}
