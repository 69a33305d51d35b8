package io.hartonomous.search.embed;

import io.hartonomous.common.hilbert.Hilbert3D;

import java.util.List;

/**
 * A linear projection of a model's embeddings onto their first three principal components, scaled
 * into the cube {@code [-100, 100]^3} that AtomEmbedding's spatial buckets assume, with the point's
 * index on a 21-bit 3-D Hilbert curve. Fitted once per model ({@link #fit}) and then fixed, so that
 * stored SpatialX/Y/Z stay comparable.
 */
public record Projection(float[] mean, float[][] components, double scale, int sampleSize) {

    /** Half the cube's side; coordinates are clamped just inside it. */
    public static final double EXTENT = 100.0;
    private static final Hilbert3D HILBERT = new Hilbert3D(Hilbert3D.MAX_BITS);

    /** A point of the projection: coordinates in [-100, 100) and its Hilbert index. */
    public record Point(double x, double y, double z, long hilbert) {
    }

    public int dimensions() {
        return mean.length;
    }

    /**
     * Principal components by power iteration with deflation on the sample covariance; the scale
     * maps the sample's largest coordinate to 80% of the cube. Deterministic for a given sample.
     *
     * @throws IllegalArgumentException for fewer than 4 vectors or mixed dimensions
     */
    public static Projection fit(List<float[]> sample) {
        if (sample.size() < 4) {
            throw new IllegalArgumentException("a projection needs at least 4 vectors, not " + sample.size());
        }
        int d = sample.getFirst().length;
        double[] mean = new double[d];
        for (float[] v : sample) {
            if (v.length != d) {
                throw new IllegalArgumentException("mixed dimensions " + d + " and " + v.length);
            }
            for (int i = 0; i < d; i++) {
                mean[i] += v[i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= sample.size();
        }
        double[][] cov = new double[d][d];
        double[] centered = new double[d];
        for (float[] v : sample) {
            for (int i = 0; i < d; i++) {
                centered[i] = v[i] - mean[i];
            }
            for (int i = 0; i < d; i++) {
                double ci = centered[i];
                double[] row = cov[i];
                for (int j = i; j < d; j++) {
                    row[j] += ci * centered[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                cov[i][j] = cov[j][i];
            }
        }
        float[][] components = new float[3][];
        for (int c = 0; c < 3; c++) {
            double[] vec = new double[d];
            for (int i = 0; i < d; i++) {
                vec[i] = 1.0 / Math.sqrt(d) * (((i * 31 + c * 17) % 7) - 3 + 0.5);
            }
            double lambda = 0;
            for (int iter = 0; iter < 300; iter++) {
                double[] next = new double[d];
                for (int i = 0; i < d; i++) {
                    double s = 0;
                    double[] row = cov[i];
                    for (int j = 0; j < d; j++) {
                        s += row[j] * vec[j];
                    }
                    next[i] = s;
                }
                double norm = Math.sqrt(dot(next, next));
                if (norm == 0) {
                    break;
                }
                for (int i = 0; i < d; i++) {
                    next[i] /= norm;
                }
                double change = 1 - Math.abs(dot(next, vec));
                vec = next;
                lambda = norm;
                if (change < 1e-12) {
                    break;
                }
            }
            // a fixed sign: the largest entry positive, so refits on the same sample agree
            int arg = 0;
            for (int i = 1; i < d; i++) {
                if (Math.abs(vec[i]) > Math.abs(vec[arg])) {
                    arg = i;
                }
            }
            double sign = vec[arg] < 0 ? -1 : 1;
            components[c] = new float[d];
            for (int i = 0; i < d; i++) {
                components[c][i] = (float) (sign * vec[i]);
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    cov[i][j] -= lambda * vec[i] * vec[j];
                }
            }
        }
        float[] meanF = new float[d];
        for (int i = 0; i < d; i++) {
            meanF[i] = (float) mean[i];
        }
        Projection unscaled = new Projection(meanF, components, 1.0, sample.size());
        double max = 1e-9;
        for (float[] v : sample) {
            double[] p = unscaled.raw(v);
            for (double x : p) {
                max = Math.max(max, Math.abs(x));
            }
        }
        return new Projection(meanF, components, 0.8 * EXTENT / max, sample.size());
    }

    private double[] raw(float[] v) {
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) {
            double s = 0;
            float[] comp = components[c];
            for (int i = 0; i < v.length; i++) {
                s += (v[i] - mean[i]) * comp[i];
            }
            out[c] = s;
        }
        return out;
    }

    /** The vector's point in the cube. */
    public Point project(float[] v) {
        if (v.length != mean.length) {
            throw new IllegalArgumentException("expected " + mean.length + " dimensions, not " + v.length);
        }
        double[] p = raw(v);
        double x = clamp(p[0] * scale);
        double y = clamp(p[1] * scale);
        double z = clamp(p[2] * scale);
        return new Point(x, y, z, HILBERT.encode(cell(x), cell(y), cell(z)));
    }

    private static double clamp(double c) {
        return Math.max(-EXTENT, Math.min(Math.nextDown(EXTENT), c));
    }

    private static long cell(double c) {
        long side = HILBERT.side();
        return Math.min(side - 1, (long) Math.floor((c + EXTENT) / (2 * EXTENT) * side));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
