/**
 * What is metered and how: the fixed catalogue of meters, each with its aggregation, and the pure
 * bucket arithmetic (minute / hour / day windows in UTC) that usage ingestion and summaries share.
 * Nothing here touches the database.
 */
package io.hartonomous.billing.meter;
