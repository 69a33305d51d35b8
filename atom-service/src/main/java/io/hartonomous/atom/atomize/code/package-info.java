/**
 * Source code as a syntax tree: document → namespace (Z 1) → type (class, interface, struct,
 * enum, record: Z 2) → member (method, function, constructor, property: Z 3), each level's
 * subtype being its kind and its edge carrying X = first line, Y = last line, Z = depth. A
 * declaration nested deeper than its kind's level (a class in a method) sits one below its
 * parent. Everything between and inside declarations — whitespace, comments, statements — is
 * written as lines (and BPE tokens), so the tree rebuilds the file byte for byte.
 *
 * <p>Parsing uses tree-sitter grammars for Java, C#, Python, JavaScript and TypeScript, chosen
 * by extension (or a {@code #!} line) once the content looks like text. A file that is not UTF-8
 * text, is larger than {@link io.hartonomous.atom.atomize.code.CodeAtomizer#MAX_PARSE_BYTES},
 * has a syntax error, or whose grammar cannot load falls back to the text atomizer (still
 * lossless).
 *
 * <p>tree-sitter is a JNI library whose native code is unpacked from its jars at run time: it
 * works in JVM mode only and is not native-image friendly. A native build would have to drop
 * this atomizer (code would then be atomized as text).
 */
package io.hartonomous.atom.atomize.code;
