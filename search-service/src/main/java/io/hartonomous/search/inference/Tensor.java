package io.hartonomous.search.inference;

import java.util.List;

/** A tensor on the wire: its element type ({@code float32} or {@code int64}), shape and row-major values. */
public record Tensor(String type, List<Long> shape, List<Double> data) {
}
