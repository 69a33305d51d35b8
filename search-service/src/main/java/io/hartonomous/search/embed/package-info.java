/**
 * The embedding pipeline: the model (MiniLM, rebuilt from its atoms or the jar's seed), extraction
 * of searchable units from ingestion roots (documents, paragraphs, declarations, surrogate texts),
 * batched embedding on worker threads, the 3-D projection, and the catch-up scan that makes new
 * content searchable within seconds with or without atom-service's notification.
 */
package io.hartonomous.search.embed;
