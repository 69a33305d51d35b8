package io.hartonomous.common.db.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Block;
import net.sf.jsqlparser.statement.IfElseStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;

/**
 * jsqlparser (5.4) configured for T-SQL, with a strict notion of "parsed": the parser must accept
 * the statement, must not have fallen back to {@link UnsupportedStatement} anywhere inside it, must
 * print back the same text (compared ignoring whitespace and case, so nothing was skipped), and a
 * CREATE TABLE must have read only real columns of known T-SQL types (jsqlparser accepts any word
 * as a type, so it would otherwise read e.g. an inline {@code INDEX ix NONCLUSTERED (…)} as a
 * column named INDEX of type ix).
 */
final class JSql {

    /** The T-SQL types the migrations may use for columns. */
    static final Set<String> TSQL_TYPES = Set.of(
            "BIGINT", "INT", "SMALLINT", "TINYINT", "BIT", "DECIMAL", "NUMERIC", "REAL", "FLOAT",
            "BINARY", "VARBINARY", "CHAR", "NCHAR", "VARCHAR", "NVARCHAR", "DATETIME2", "DATE",
            "UNIQUEIDENTIFIER", "GEOMETRY", "GEOGRAPHY", "HIERARCHYID", "VECTOR");

    private JSql() {
    }

    static Statement parse(String sql) throws JSQLParserException {
        return CCJSqlParserUtil.parse(sql, parser -> parser.withSquareBracketQuotation(true));
    }

    /** Empty if the statement parses in the strict sense above, else why not. */
    static Optional<String> whyNotParsed(String sql) {
        Statement statement;
        try {
            statement = parse(sql);
        } catch (JSQLParserException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String message = String.valueOf(cause.getMessage());
            return Optional.of("parse error: " + message.lines().findFirst().orElse(message));
        }
        List<String> unsupported = new ArrayList<>();
        collectUnsupported(statement, unsupported);
        if (!unsupported.isEmpty()) {
            return Optional.of("jsqlparser fell back to UnsupportedStatement for: " + unsupported);
        }
        if (!canonical(statement.toString()).equals(canonical(sql))) {
            return Optional.of("jsqlparser read something else: " + statement);
        }
        if (statement instanceof CreateTable table && table.getColumnDefinitions() != null) {
            for (ColumnDefinition column : table.getColumnDefinitions()) {
                String type = baseType(column);
                if (!TSQL_TYPES.contains(type)) {
                    return Optional.of("jsqlparser misread an element as column " + column.getColumnName()
                            + " of type " + type);
                }
            }
        }
        return Optional.empty();
    }

    /** The CREATE TABLE that jsqlparser reads from {@code sql}, which must parse strictly. */
    static CreateTable parseCreateTable(String sql) {
        Optional<String> problem = whyNotParsed(sql);
        if (problem.isPresent()) {
            throw new AssertionError(problem.get() + "\n  in: " + sql);
        }
        try {
            return (CreateTable) parse(sql);
        } catch (JSQLParserException e) {
            throw new AssertionError(e);
        }
    }

    /** The parts of a parsable statement that jsqlparser could only keep as UnsupportedStatement. */
    static List<String> unsupportedParts(String sql) throws JSQLParserException {
        List<String> unsupported = new ArrayList<>();
        collectUnsupported(parse(sql), unsupported);
        return unsupported;
    }

    /** First word of the column's type, upper case ({@code NVARCHAR (MAX)} → NVARCHAR). */
    static String baseType(ColumnDefinition column) {
        String type = column.getColDataType().getDataType().trim().toUpperCase(Locale.ROOT);
        int cut = 0;
        while (cut < type.length() && (Character.isLetterOrDigit(type.charAt(cut)) || type.charAt(cut) == '_')) {
            cut++;
        }
        return type.substring(0, cut);
    }

    private static void collectUnsupported(Statement statement, List<String> into) {
        if (statement == null) {
            return;
        }
        if (statement instanceof UnsupportedStatement) {
            into.add(statement.toString());
        } else if (statement instanceof IfElseStatement ifElse) {
            collectUnsupported(ifElse.getIfStatement(), into);
            collectUnsupported(ifElse.getElseStatement(), into);
        } else if (statement instanceof Block block && block.getStatements() != null) {
            for (Statement inner : block.getStatements()) {
                collectUnsupported(inner, into);
            }
        }
    }

    static String canonical(String sql) {
        String s = sql.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
