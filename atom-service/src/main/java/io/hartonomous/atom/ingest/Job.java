package io.hartonomous.atom.ingest;

import io.hartonomous.common.hash.ContentHash;

import java.time.LocalDateTime;
import java.util.UUID;

/** An ingestion job as stored. */
public record Job(UUID id, int tenant, String fileName, String contentType, JobStatus status, int chunkSize,
                  long offset, long atomsCreated, long atomsReused, ContentHash rootHash, long totalBytes,
                  String modality, String spoolPath, String error, LocalDateTime createdAt,
                  LocalDateTime startedAt, LocalDateTime completedAt, byte[] pendingHashes,
                  long coefficientOffset, String optionsJson, String unreportedUsage) {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Whether model coefficient rows are written (the default; a job option turns them off). */
    public boolean coefficients() {
        return options().path("coefficients").asBoolean(true);
    }

    /** Whether the input is a batch of files (a tar archive not kept itself: POST /api/v1/ingest/batch). */
    public boolean batch() {
        return options().path("batch").asBoolean(false);
    }

    /** The prefix of a batch's root names ("" for none). */
    public String prefix() {
        return options().path("prefix").asText("");
    }

    /**
     * A batch's files the tenant already had when the job first looked (pinned without being
     * atomized again), or null before the job has looked.
     */
    public java.util.Set<ContentHash> knownFiles() {
        var known = options().path("knownFiles");
        if (known.isMissingNode() || known.isNull()) {
            return null;
        }
        String packed = known.asText("");
        return packed.isEmpty() ? java.util.Set.of()
                : io.hartonomous.atom.store.HashSet32.unpack(java.util.Base64.getDecoder().decode(packed));
    }

    /** {@code optionsJson} with the batch's known files recorded (SHA-256 digests, packed, base64). */
    static String withKnownFiles(String optionsJson, java.util.Collection<ContentHash> known) {
        com.fasterxml.jackson.databind.node.ObjectNode node;
        try {
            node = optionsJson == null || optionsJson.isBlank() ? JSON.createObjectNode()
                    : (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(optionsJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable job options: " + optionsJson, e);
        }
        node.put("knownFiles", known.isEmpty() ? ""
                : java.util.Base64.getEncoder().encodeToString(io.hartonomous.atom.store.HashSet32.pack(known)));
        return node.toString();
    }

    /** The job's options (an empty object when it has none). */
    private com.fasterxml.jackson.databind.JsonNode options() {
        if (optionsJson == null || optionsJson.isBlank()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            return JSON.readTree(optionsJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("job " + id + " has unreadable options: " + optionsJson, e);
        }
    }

    /** Options JSON for a new job (null when all are defaults). */
    static String options(boolean coefficients, boolean batch, String prefix) {
        var node = JSON.createObjectNode();
        if (!coefficients) {
            node.put("coefficients", false);
        }
        if (batch) {
            node.put("batch", true);
            if (prefix != null && !prefix.isEmpty()) {
                node.put("prefix", prefix);
            }
        }
        return node.isEmpty() ? null : node.toString();
    }
}
