package io.hartonomous.atom.atomize;

import io.hartonomous.common.hash.ContentHash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Records what a model atomizer reports: the model, its layers, and coefficients per layer. */
final class TestingModelContext implements AtomizeContext {

    /** Keep each coefficient's value hash (small models only). */
    private final boolean keepValues;
    final List<ModelInfo> models = new ArrayList<>();
    final List<LayerInfo> layers = new ArrayList<>();
    final Map<Integer, Long> coefficients = new HashMap<>();
    final Map<Integer, List<ContentHash>> values = new HashMap<>();
    final Set<String> order = new LinkedHashSet<>();
    long coefficientCount;

    TestingModelContext(boolean keepValues) {
        this.keepValues = keepValues;
    }

    @Override
    public void derivedRoot(TreeWriter.Ref root, String relationType) {
    }

    @Override
    public void relation(ContentHash source, ContentHash target, String relationType, Double weight) {
    }

    @Override
    public void model(ModelInfo model) {
        if (!layers.isEmpty() || coefficientCount > 0) {
            throw new AssertionError("model recorded after layers or coefficients");
        }
        models.add(model);
    }

    @Override
    public void layer(LayerInfo layer) {
        if (models.isEmpty()) {
            throw new AssertionError("layer before model");
        }
        layers.add(layer);
    }

    @Override
    public void coefficient(int layerIndex, int x, int y, Integer z, ContentHash value) {
        if (models.isEmpty()) {
            throw new AssertionError("coefficient before model");
        }
        coefficientCount++;
        coefficients.merge(layerIndex, 1L, Long::sum);
        if (keepValues) {
            values.computeIfAbsent(layerIndex, k -> new ArrayList<>()).add(value);
        }
    }

    @Override
    public boolean wantsCoefficients() {
        return true;
    }

    LayerInfo layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }
}
