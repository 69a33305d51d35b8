package io.hartonomous.search.embed;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectionTest {

    @Test
    void findsTheDominantAxesDeterministicallyAndStaysInTheCube() {
        Random r = new Random(7);
        List<float[]> sample = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            float[] v = new float[16];
            for (int d = 0; d < 16; d++) {
                v[d] = (float) (r.nextGaussian() * 0.05);
            }
            v[3] += (float) (r.nextGaussian() * 3);   // largest variance
            v[9] += (float) (r.nextGaussian() * 2);
            v[12] += (float) (r.nextGaussian() * 1);
            sample.add(v);
        }
        Projection p = Projection.fit(sample);
        assertThat(Math.abs(p.components()[0][3])).isGreaterThan(0.99f);
        assertThat(Math.abs(p.components()[1][9])).isGreaterThan(0.99f);
        assertThat(Math.abs(p.components()[2][12])).isGreaterThan(0.99f);
        assertThat(Projection.fit(sample)).usingRecursiveComparison().isEqualTo(p);
        float[] far = new float[16];
        far[3] = 1000;
        Projection.Point point = p.project(far);
        assertThat(point.x()).isLessThan(100.0).isGreaterThanOrEqualTo(-100.0);
        assertThat(point.hilbert()).isNotNegative();
        for (float[] v : sample) {
            Projection.Point q = p.project(v);
            assertThat(Math.abs(q.x())).isLessThanOrEqualTo(80.0 + 1e-6);
        }
    }
}
