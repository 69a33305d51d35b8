package io.hartonomous.atom.ingest;

import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.hash.Sha256;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Uploads on local disk while their job runs: streamed in 64 KiB pieces (never whole in memory),
 * hashed and counted on the way, cut off past the size limit.
 */
@ApplicationScoped
public class Spool {

    private final Path dir;
    private final long maxBytes;

    public Spool(IngestConfig config) {
        this.dir = Path.of(config.spoolDir());
        this.maxBytes = config.maxBytes();
    }

    /** A spooled upload: where it is, its SHA-256 and size. */
    public record Spooled(Path path, ContentHash hash, long size) {
    }

    public Spooled write(UUID jobId, InputStream body) {
        Path file = dir.resolve(jobId + ".upload");
        try {
            if (!Files.isDirectory(dir)) { // (createDirectories throws and catches when it exists)
                Files.createDirectories(dir);
            }
            Sha256 sha = new Sha256();
            long size = 0;
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    size += n;
                    if (size > maxBytes) {
                        throw new HartonomousException(ErrorCode.PAYLOAD_TOO_LARGE,
                                "The upload exceeds the limit of " + maxBytes + " bytes.", Map.of("limit", maxBytes), null);
                    }
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            return new Spooled(file, sha.finish(), size);
        } catch (IOException e) {
            delete(file);
            throw new HartonomousException(ErrorCode.INVALID_REQUEST, "The upload could not be read to its end.", e);
        } catch (RuntimeException e) {
            delete(file);
            throw e;
        }
    }

    public InputStream open(String path) {
        try {
            return Files.newInputStream(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean exists(String path) {
        return path != null && Files.exists(Path.of(path));
    }

    public void delete(String path) {
        if (path != null) {
            delete(Path.of(path));
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover spool file is harmless and overwritten by nothing
        }
    }
}
