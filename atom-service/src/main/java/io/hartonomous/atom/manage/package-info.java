/**
 * Managing the store: unpinning roots (counts drop recursively, nothing is deleted inline),
 * garbage collection of dead atoms in bounded batches, and per-tenant statistics.
 */
package io.hartonomous.atom.manage;
