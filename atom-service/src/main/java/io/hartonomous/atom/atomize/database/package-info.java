/**
 * Database exports: CSV (and other delimiter-separated tables), JSON arrays of objects and JSON
 * Lines, as table → rows → cells. Every byte is kept — delimiters, quotes, whitespace, line
 * endings — so the tree rebuilds the file exactly; cells carry their column and row and a type
 * subtype. Input that stops being a table midway continues as text from that point (lossless).
 */
package io.hartonomous.atom.atomize.database;
