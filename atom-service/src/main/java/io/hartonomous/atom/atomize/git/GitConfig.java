package io.hartonomous.atom.atomize.git;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** Limits of the git atomizer ({@code hartonomous.atom.git.*}); see {@link GitLimits} for their meaning. */
@ConfigMapping(prefix = "hartonomous.atom.git")
public interface GitConfig {

    /** Where private temporary directories are made (default: {@code java.io.tmpdir}). */
    Optional<String> workDir();

    @WithDefault("17179869184")
    long maxUnpackedBytes();

    @WithDefault("50")
    long maxUnpackRatio();

    @WithDefault("1000000")
    long maxArchiveEntries();

    @WithDefault("5000000")
    long maxObjects();

    @WithDefault("68719476736")
    long maxViewBytes();

    @WithDefault("1000")
    long maxViewRatio();

    @WithDefault("67108864")
    long maxMetadataBytes();

    default GitLimits limits() {
        return new GitLimits(maxUnpackedBytes(), maxUnpackRatio(), maxArchiveEntries(), maxObjects(), maxViewBytes(),
                maxViewRatio(), maxMetadataBytes());
    }
}
