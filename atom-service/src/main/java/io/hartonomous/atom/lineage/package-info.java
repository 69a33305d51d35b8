/**
 * Where an atom came from and how it changed. Ingestion jobs are recorded in W3C PROV terms
 * (provenance.Activity, Agent, Entity, Used, WasGeneratedBy, WasAssociatedWith, WasDerivedFrom) in
 * the job's completion transaction, so a completed job always has its lineage and a failed one
 * never claims to have generated anything. Lineage of an atom is read through the composition
 * graph up to the pinned roots that contain it (bounded, paged); history is the atom's temporal
 * versions (dbo.Atom + dbo.AtomHistory). Everything is scoped by the caller's tenant.
 */
package io.hartonomous.atom.lineage;
