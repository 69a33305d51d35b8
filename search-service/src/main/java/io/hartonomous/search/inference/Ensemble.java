package io.hartonomous.search.inference;

import io.hartonomous.common.error.HartonomousException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines one output tensor of several models, row by row over the last dimension (classes or
 * scores): {@code average} (element-wise mean, shapes must agree), {@code vote} (each model's argmax
 * per row, the majority wins, ties to the lower index), {@code rrf} (each model ranks the classes
 * of a row by score; reciprocal rank fusion with k = 60; the result holds the fused scores).
 */
public final class Ensemble {

    private Ensemble() {
    }

    public static Tensor combine(String method, List<Tensor> outputs) {
        if (outputs.isEmpty()) {
            throw HartonomousException.invalid("An ensemble needs at least one model.");
        }
        Tensor first = outputs.getFirst();
        for (Tensor t : outputs) {
            if (!t.shape().equals(first.shape())) {
                throw HartonomousException.invalid("The models' outputs differ in shape: " + first.shape() + " and " + t.shape() + ".");
            }
        }
        int width = first.shape().isEmpty() ? 1 : first.shape().getLast().intValue();
        int rows = width == 0 ? 0 : first.data().size() / width;
        return switch (method == null ? "average" : method) {
            case "average" -> {
                List<Double> out = new ArrayList<>();
                for (int i = 0; i < first.data().size(); i++) {
                    double s = 0;
                    for (Tensor t : outputs) {
                        s += t.data().get(i);
                    }
                    out.add(s / outputs.size());
                }
                yield new Tensor("float32", first.shape(), out);
            }
            case "vote" -> {
                List<Double> out = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    Map<Integer, Integer> votes = new HashMap<>();
                    for (Tensor t : outputs) {
                        votes.merge(argmax(t.data(), r * width, width), 1, Integer::sum);
                    }
                    int best = -1;
                    int bestVotes = -1;
                    for (int c = 0; c < width; c++) {
                        int v = votes.getOrDefault(c, 0);
                        if (v > bestVotes) {
                            best = c;
                            bestVotes = v;
                        }
                    }
                    out.add((double) best);
                }
                List<Long> shape = new ArrayList<>(first.shape().subList(0, Math.max(0, first.shape().size() - 1)));
                yield new Tensor("int64", shape, out);
            }
            case "rrf" -> {
                List<Double> out = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    double[] fused = new double[width];
                    for (Tensor t : outputs) {
                        List<Integer> order = new ArrayList<>();
                        for (int c = 0; c < width; c++) {
                            order.add(c);
                        }
                        final int base = r * width;
                        order.sort((a, b) -> Double.compare(t.data().get(base + b), t.data().get(base + a)));
                        for (int rank = 0; rank < order.size(); rank++) {
                            fused[order.get(rank)] += 1.0 / (60 + rank + 1);
                        }
                    }
                    for (double f : fused) {
                        out.add(f);
                    }
                }
                yield new Tensor("float32", first.shape(), out);
            }
            default -> throw HartonomousException.invalid("'combine' must be average, vote or rrf; not '" + method + "'.");
        };
    }

    private static int argmax(List<Double> data, int from, int width) {
        int best = 0;
        for (int c = 1; c < width; c++) {
            if (data.get(from + c) > data.get(from + best)) {
                best = c;
            }
        }
        return best;
    }
}
