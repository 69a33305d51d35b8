/**
 * Git repositories (a bundle, or a tar/zip archive of a bare repository): two views
 * (DESIGN.md invariant 4). The file's own tree rebuilds it byte for byte; the repository view
 * — repository → revision per commit (parents first, ties by object id) → the commit object and
 * the trees and blobs it is the first to reach — is a second root linked by {@code decodes_to}.
 * Commit and tree atoms hold the raw object bytes; blobs are atomized by the atomizer of their
 * own modality (text, code, tables, audio; binary content, images and models as git
 * {@code blob} bytes), and each commit {@code derives_from} its parents. Work happens in a
 * private temporary directory that is always deleted; unsafe, incomplete or oversized
 * repositories are refused before their view is emitted (see {@link GitLimits}).
 */
package io.hartonomous.atom.atomize.git;
