package io.hartonomous.atom.atomize.code;

import org.jboss.logging.Logger;
import org.treesitter.TSLanguage;
import org.treesitter.TSSymbolType;
import org.treesitter.TreeSitterCSharp;
import org.treesitter.TreeSitterJava;
import org.treesitter.TreeSitterJavascript;
import org.treesitter.TreeSitterPython;
import org.treesitter.TreeSitterTypescript;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A programming language the code atomizer parses: how its files are recognised, and which
 * tree-sitter node types are declarations (with the kind they are stored as), declaration
 * wrappers (decorators, {@code export}) and comments. Grammars load lazily, once; a grammar whose
 * native library does not load makes its language unavailable (logged once), never an error.
 */
enum Language {

    JAVA(Set.of("java"), TreeSitterJava::new,
            Map.of("class_declaration", "class",
                    "interface_declaration", "interface",
                    "enum_declaration", "enum",
                    "record_declaration", "record",
                    "annotation_type_declaration", "annotation",
                    "method_declaration", "method",
                    "constructor_declaration", "constructor",
                    "compact_constructor_declaration", "constructor"),
            Set.of(), Set.of("package_declaration")),

    PYTHON(Set.of("py", "pyi", "pyw"), TreeSitterPython::new,
            Map.of("class_definition", "class",
                    "function_definition", "function"),
            Set.of("decorated_definition"), Set.of()),

    CSHARP(Set.of("cs"), TreeSitterCSharp::new,
            Map.ofEntries(
                    Map.entry("namespace_declaration", "namespace"),
                    Map.entry("class_declaration", "class"),
                    Map.entry("struct_declaration", "struct"),
                    Map.entry("interface_declaration", "interface"),
                    Map.entry("enum_declaration", "enum"),
                    Map.entry("record_declaration", "record"),
                    Map.entry("record_struct_declaration", "record"),
                    Map.entry("method_declaration", "method"),
                    Map.entry("constructor_declaration", "constructor"),
                    Map.entry("destructor_declaration", "destructor"),
                    Map.entry("operator_declaration", "operator"),
                    Map.entry("conversion_operator_declaration", "operator"),
                    Map.entry("property_declaration", "property"),
                    Map.entry("indexer_declaration", "property"),
                    Map.entry("local_function_statement", "function")),
            Set.of(), Set.of("file_scoped_namespace_declaration")),

    JAVASCRIPT(Set.of("js", "mjs", "cjs", "jsx"), TreeSitterJavascript::new,
            Map.of("class_declaration", "class",
                    "class", "class",
                    "function_declaration", "function",
                    "generator_function_declaration", "function",
                    "method_definition", "method"),
            Set.of("export_statement"), Set.of()),

    TYPESCRIPT(Set.of("ts", "mts", "cts"), TreeSitterTypescript::new,
            Map.ofEntries(
                    Map.entry("internal_module", "namespace"),
                    Map.entry("module", "namespace"),
                    Map.entry("class_declaration", "class"),
                    Map.entry("abstract_class_declaration", "class"),
                    Map.entry("class", "class"),
                    Map.entry("interface_declaration", "interface"),
                    Map.entry("enum_declaration", "enum"),
                    Map.entry("function_declaration", "function"),
                    Map.entry("generator_function_declaration", "function"),
                    Map.entry("method_definition", "method")),
            Set.of("export_statement"), Set.of());

    /** What a node type is to the outline. */
    enum Role { OTHER, DECLARATION, WRAPPER, COMMENT, SCOPE_STATEMENT }

    private static final Logger LOG = Logger.getLogger(Language.class);

    private final Set<String> extensions;
    private final Supplier<TSLanguage> grammar;
    private final Map<String, String> kinds;
    private final Set<String> wrappers;
    private final Set<String> scopeStatements;
    private volatile Loaded loaded;

    /** A loaded grammar with its node types resolved to roles, by symbol id (no strings per node). */
    record Loaded(TSLanguage grammar, Role[] roles, String[] kinds) {
        Role role(int symbol) {
            return symbol >= 0 && symbol < roles.length ? roles[symbol] : Role.OTHER;
        }
    }

    private static final Loaded UNAVAILABLE = new Loaded(null, new Role[0], new String[0]);

    Language(Set<String> extensions, Supplier<TSLanguage> grammar, Map<String, String> kinds,
             Set<String> wrappers, Set<String> scopeStatements) {
        this.extensions = extensions;
        this.grammar = grammar;
        this.kinds = kinds;
        this.wrappers = wrappers;
        this.scopeStatements = scopeStatements;
    }

    /** The media type of its source files (UTF-8). */
    String mediaType() {
        return switch (this) {
            case JAVA -> "text/x-java; charset=utf-8";
            case PYTHON -> "text/x-python; charset=utf-8";
            case CSHARP -> "text/x-csharp; charset=utf-8";
            case JAVASCRIPT -> "text/javascript; charset=utf-8";
            case TYPESCRIPT -> "text/x-typescript; charset=utf-8";
        };
    }

    /**
     * The language of a file: by extension, else by a {@code #!} interpreter line. Empty for
     * anything else (content must still look like text; the caller checks that).
     */
    static Optional<Language> of(String extension, byte[] head) {
        String ext = extension.toLowerCase(Locale.ROOT);
        for (Language language : values()) {
            if (language.extensions.contains(ext)) {
                return Optional.of(language);
            }
        }
        return ofShebang(head);
    }

    private static Optional<Language> ofShebang(byte[] head) {
        if (head.length < 2 || head[0] != '#' || head[1] != '!') {
            return Optional.empty();
        }
        int end = 2;
        while (end < head.length && end < 128 && head[end] != '\n') {
            end++;
        }
        String line = new String(head, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (line.contains("python")) {
            return Optional.of(PYTHON);
        }
        if (line.contains("node") || line.contains("deno")) {
            return Optional.of(JAVASCRIPT);
        }
        return Optional.empty();
    }

    /** The grammar and its role table, or empty when the native library cannot be loaded here. */
    Optional<Loaded> load() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (this) {
                l = loaded;
                if (l == null) {
                    l = tryLoad();
                    loaded = l;
                }
            }
        }
        return l == UNAVAILABLE ? Optional.empty() : Optional.of(l);
    }

    private Loaded tryLoad() {
        try {
            TSLanguage language = grammar.get();
            int count = language.symbolCount();
            Role[] roles = new Role[count];
            String[] kindBySymbol = new String[count];
            for (int symbol = 0; symbol < count; symbol++) {
                roles[symbol] = Role.OTHER;
                if (language.symbolType(symbol) != TSSymbolType.TSSymbolTypeRegular) {
                    continue; // keywords such as `class` share names with node types
                }
                String name = language.symbolName(symbol);
                if (kinds.containsKey(name)) {
                    roles[symbol] = Role.DECLARATION;
                    kindBySymbol[symbol] = kinds.get(name);
                } else if (wrappers.contains(name)) {
                    roles[symbol] = Role.WRAPPER;
                } else if (scopeStatements.contains(name)) {
                    roles[symbol] = Role.SCOPE_STATEMENT;
                    kindBySymbol[symbol] = "namespace";
                } else if (name.endsWith("comment")) {
                    roles[symbol] = Role.COMMENT;
                }
            }
            return new Loaded(language, roles, kindBySymbol);
        } catch (LinkageError | RuntimeException e) {
            // one line per language per process: the atomizer falls back to text from now on
            LOG.warnf("tree-sitter grammar for %s unavailable (%s); %s files are atomized as text",
                    name(), e.toString(), name());
            return UNAVAILABLE;
        }
    }
}
