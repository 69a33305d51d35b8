package io.hartonomous.atom.atomize.git;

/**
 * Bounds on what one repository may cost. An input over any of them is refused with a
 * {@link io.hartonomous.atom.atomize.MalformedInputException} before its repository view is
 * emitted (archives: while unpacking).
 *
 * @param maxUnpackedBytes   most bytes unpacked from an archive, whatever its size
 * @param maxUnpackRatio     most bytes unpacked per byte of archive (zip bombs), with a floor of
 *                           {@link #RATIO_FLOOR} bytes so that small archives are not refused
 * @param maxArchiveEntries  most entries in an archive
 * @param maxObjects         most commits, trees and blobs in the repository
 * @param maxViewBytes       most bytes in the repository view (every object once, inflated)
 * @param maxViewRatio       most repository-view bytes per input byte (delta bombs), floor as above
 * @param maxMetadataBytes   largest commit or tree object (held in memory while written)
 */
public record GitLimits(long maxUnpackedBytes, long maxUnpackRatio, long maxArchiveEntries, long maxObjects,
                        long maxViewBytes, long maxViewRatio, long maxMetadataBytes) {

    /** Ratio limits never refuse less than this (64 MiB). */
    public static final long RATIO_FLOOR = 64L << 20;

    public static final GitLimits DEFAULTS = new GitLimits(
            16L << 30, 50, 1_000_000, 5_000_000, 64L << 30, 1000, 64L << 20);

    public GitLimits {
        if (maxUnpackedBytes < 1 || maxUnpackRatio < 1 || maxArchiveEntries < 1 || maxObjects < 1 || maxViewBytes < 1
                || maxViewRatio < 1 || maxMetadataBytes < 1) {
            throw new IllegalArgumentException("git limits must be positive");
        }
    }

    /** Unpacked bytes allowed for an archive of {@code inputBytes}. */
    public long unpackBudget(long inputBytes) {
        return Math.min(maxUnpackedBytes, ratioBudget(inputBytes, maxUnpackRatio));
    }

    /** Repository-view bytes allowed for an input of {@code inputBytes}. */
    public long viewBudget(long inputBytes) {
        return Math.min(maxViewBytes, ratioBudget(inputBytes, maxViewRatio));
    }

    private static long ratioBudget(long inputBytes, long ratio) {
        long scaled = inputBytes > Long.MAX_VALUE / ratio ? Long.MAX_VALUE : inputBytes * ratio;
        return Math.max(scaled, RATIO_FLOOR);
    }
}
