/**
 * The semantic graph between a tenant's atoms (dbo.AtomRelation): create (idempotent on source,
 * target and type), list by either end, delete. Types are the system ones of ref.RelationType or
 * any tenant-defined lowercase snake_case name; weights, confidences and importances lie in 0..1.
 * Both ends are always the caller's atoms: another tenant's hash is not found.
 */
package io.hartonomous.atom.relation;
