/**
 * Storage of atoms, compositions and root pins. Promises (DESIGN.md invariants): an atom is stored
 * once per tenant and hash; a composite gets its decomposition once, when first stored; reference
 * counts equal the composition edges from live (or still-being-ingested) parents plus the root
 * pins; every statement is scoped to one tenant and set-based (one statement per batch).
 */
package io.hartonomous.atom.store;
