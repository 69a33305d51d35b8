package io.hartonomous.common.hilbert;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Hilbert3DTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void mapsEveryPointOfTheCubeToADistinctIndexAndBack(int bits) {
        Hilbert3D curve = new Hilbert3D(bits);
        long side = curve.side();
        int cells = (int) (side * side * side);
        BitSet seen = new BitSet(cells);

        for (long x = 0; x < side; x++) {
            for (long y = 0; y < side; y++) {
                for (long z = 0; z < side; z++) {
                    long index = curve.encode(x, y, z);
                    assertThat(index).isBetween(0L, cells - 1L);
                    assertThat(seen.get((int) index)).as("index %d reused by (%d,%d,%d)", index, x, y, z).isFalse();
                    seen.set((int) index);
                    assertThat(curve.decode(index)).containsExactly(x, y, z);
                }
            }
        }
        assertThat(seen.cardinality()).isEqualTo(cells);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void consecutiveIndexesAreNeighbours(int bits) {
        Hilbert3D curve = new Hilbert3D(bits);
        long cells = curve.side() * curve.side() * curve.side();

        long[] previous = curve.decode(0);
        for (long index = 1; index < cells; index++) {
            long[] point = curve.decode(index);
            long manhattan = Math.abs(point[0] - previous[0]) + Math.abs(point[1] - previous[1])
                    + Math.abs(point[2] - previous[2]);
            assertThat(manhattan).as("step %d -> %d", index - 1, index).isEqualTo(1);
            previous = point;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 21})
    void originIsTheStartOfTheCurve(int bits) {
        Hilbert3D curve = new Hilbert3D(bits);

        assertThat(curve.encode(0, 0, 0)).isZero();
        assertThat(curve.decode(0)).containsExactly(0, 0, 0);
    }

    @Test
    void roundTripsRandomPointsAtMaximumResolution() {
        Hilbert3D curve = new Hilbert3D(Hilbert3D.MAX_BITS);
        Random random = new Random(21);

        for (int i = 0; i < 10_000; i++) {
            long x = random.nextLong(curve.side());
            long y = random.nextLong(curve.side());
            long z = random.nextLong(curve.side());
            long index = curve.encode(x, y, z);
            assertThat(index).isNotNegative();
            assertThat(curve.decode(index)).containsExactly(x, y, z);
        }
    }

    @Test
    void maximumIndexAtMaximumResolutionFitsInANonNegativeLong() {
        Hilbert3D curve = new Hilbert3D(Hilbert3D.MAX_BITS);
        long max = curve.side() - 1;
        long last = Long.MAX_VALUE;

        long[] corner = curve.decode(last);
        assertThat(Arrays.stream(corner)).allSatisfy(c -> assertThat(c).isBetween(0L, max));
        assertThat(curve.encode(corner[0], corner[1], corner[2])).isEqualTo(last);
        assertThat(curve.encode(max, max, max)).isBetween(0L, Long.MAX_VALUE);
    }

    @Test
    void exposesItsResolution() {
        Hilbert3D curve = new Hilbert3D(10);

        assertThat(curve.bits()).isEqualTo(10);
        assertThat(curve.side()).isEqualTo(1024);
    }

    @Test
    void rejectsCoordinatesOutsideTheCube() {
        Hilbert3D curve = new Hilbert3D(3);

        assertThatThrownBy(() -> curve.encode(8, 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("x ");
        assertThatThrownBy(() -> curve.encode(0, 8, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("y ");
        assertThatThrownBy(() -> curve.encode(0, 0, 8)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("z ");
        assertThatThrownBy(() -> curve.encode(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> curve.encode(0, Long.MIN_VALUE, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsIndexesOutsideTheCurve() {
        Hilbert3D curve = new Hilbert3D(3);

        assertThatThrownBy(() -> curve.decode(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> curve.decode(512)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hilbert3D(Hilbert3D.MAX_BITS).decode(Long.MIN_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 22, 64})
    void rejectsUnsupportedResolutions(int bits) {
        assertThatThrownBy(() -> new Hilbert3D(bits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..21");
    }
}
