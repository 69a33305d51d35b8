package io.hartonomous.common.db.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the T-SQL migration scripts the way SQL Server tooling does: batches separated by lines
 * holding only {@code GO}, each batch a sequence of statements ended by {@code ;}. A statement's
 * extent respects string literals, parentheses and {@code BEGIN … END} / {@code CASE … END} blocks
 * (so an {@code IF … BEGIN … END} is one statement). Comments are removed and whitespace is
 * collapsed, which gives every statement one canonical text.
 */
final class TsqlScripts {

    static final String LOCATION = "db/migration/sqlserver";

    private static final Pattern GO_LINE = Pattern.compile("(?im)^[ \\t]*GO[ \\t]*$");

    private TsqlScripts() {
    }

    /** One statement of a script, in canonical text, with where it came from. */
    record Statement(String script, int batch, String text) {
        @Override
        public String toString() {
            return script + " batch " + batch + ": " + text;
        }
    }

    /** Every {@code .sql} script of the SQL Server migrations, in version order. */
    static List<Path> scripts() {
        URL url = TsqlScripts.class.getClassLoader().getResource(LOCATION);
        if (url == null) {
            throw new IllegalStateException("no " + LOCATION + " on the class path");
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<Path> scripts = files.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b)))
                    .toList();
            if (scripts.isEmpty()) {
                throw new IllegalStateException("no scripts in " + url);
            }
            return scripts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int version(Path script) {
        String name = script.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    /** All statements of all scripts, in order. */
    static List<Statement> allStatements() {
        List<Statement> out = new ArrayList<>();
        for (Path script : scripts()) {
            out.addAll(statements(script));
        }
        return out;
    }

    static List<Statement> statements(Path script) {
        String text;
        try {
            text = Files.readString(script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = script.getFileName().toString();
        List<Statement> out = new ArrayList<>();
        String[] batches = GO_LINE.split(text);
        for (int b = 0; b < batches.length; b++) {
            for (String statement : splitStatements(stripComments(batches[b]), name + " batch " + (b + 1))) {
                String canonical = normalize(statement);
                if (!canonical.isEmpty()) {
                    out.add(new Statement(name, b + 1, canonical));
                }
            }
        }
        return out;
    }

    /** Collapses whitespace runs to one space, trims, and drops a trailing semicolon. */
    static String normalize(String statement) {
        String s = statement.replaceAll("\\s+", " ").trim();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s;
    }

    /** Removes {@code --} and {@code /* *}{@code /} comments outside string literals. */
    static String stripComments(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'') {
                int end = endOfString(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated block comment");
                }
                out.append(' ');
                i = end + 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Index just past the string literal starting at {@code start} ({@code ''} is an escaped quote). */
    private static int endOfString(String sql, int start) {
        int j = start + 1;
        while (j < sql.length()) {
            if (sql.charAt(j) == '\'') {
                if (j + 1 < sql.length() && sql.charAt(j + 1) == '\'') {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        throw new IllegalArgumentException("unterminated string literal");
    }

    /**
     * Splits a comment-free batch at top-level semicolons: outside strings, parentheses and
     * {@code BEGIN … END} / {@code CASE … END} blocks. {@code ROW END} (a period column) and
     * {@code BEGIN TRAN…} do not count as block delimiters. Unbalanced text is an error, never a
     * silent merge.
     */
    static List<String> splitStatements(String batch, String where) {
        List<String> out = new ArrayList<>();
        int parens = 0;
        int blocks = 0;
        int start = 0;
        String previousWord = "";
        for (int i = 0; i < batch.length(); i++) {
            char c = batch.charAt(i);
            if (c == '\'') {
                i = endOfString(batch, i) - 1;
            } else if (c == '(') {
                parens++;
            } else if (c == ')') {
                parens--;
            } else if (isWordStart(batch, i)) {
                int j = i;
                while (j < batch.length() && isWordChar(batch.charAt(j))) {
                    j++;
                }
                String word = batch.substring(i, j).toUpperCase(Locale.ROOT);
                if (word.equals("CASE") || word.equals("BEGIN") && !beginsTransaction(batch, j)) {
                    blocks++;
                } else if (word.equals("END") && !previousWord.equals("ROW")) {
                    blocks--;
                }
                previousWord = word;
                i = j - 1;
            } else if (c == ';' && parens == 0 && blocks == 0) {
                out.add(batch.substring(start, i + 1));
                start = i + 1;
            }
            if (parens < 0 || blocks < 0) {
                throw new IllegalArgumentException("unbalanced parentheses or END in " + where);
            }
        }
        if (parens != 0 || blocks != 0) {
            throw new IllegalArgumentException("unbalanced parentheses or BEGIN/END in " + where);
        }
        out.add(batch.substring(start));
        return out;
    }

    private static boolean beginsTransaction(String sql, int afterBegin) {
        String rest = sql.substring(afterBegin).stripLeading().toUpperCase(Locale.ROOT);
        return rest.startsWith("TRAN") || rest.startsWith("DISTRIBUTED");
    }

    private static boolean isWordStart(String s, int i) {
        return (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')
                && (i == 0 || !isWordChar(s.charAt(i - 1)) && s.charAt(i - 1) != '@' && s.charAt(i - 1) != '$');
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '@' || c == '$' || c == '#';
    }
}
