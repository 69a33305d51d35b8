/**
 * Images (PNG, JPEG, GIF, BMP, WebP): two views (DESIGN.md invariant 4). The file's own tree
 * rebuilds the file byte for byte (PNG structured by chunks, other formats as content-defined
 * chunks); the decoded raster is a second root (header, then 16×16 patches of RGBA pixels) linked
 * by {@code decodes_to}. Dimensions are checked against limits before anything is decoded, and
 * an image that does not decode keeps its byte view only.
 */
package io.hartonomous.atom.atomize.image;
