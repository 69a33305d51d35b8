package io.hartonomous.atom.atomize.model;

import java.util.Collection;
import java.util.Locale;

/** What a tensor's name (and a model's tensor names) suggest: layer type and model type. */
final class LayerNames {

    static final String TRANSFORMER = "transformer";
    static final String UNKNOWN = "unknown";

    /** attention, feed-forward, embedding, normalization or other. */
    static String layerType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (containsAny(n, "norm", "ln_", ".ln", "ln.", "layernorm", "rmsnorm")) {
            return "normalization";
        }
        if (containsAny(n, "embed", "wte", "wpe", "token_embd", "tok_embeddings", "position_embd")) {
            return "embedding";
        }
        if (containsAny(n, "attn", "attention", "q_proj", "k_proj", "v_proj", "o_proj", "query", "key", "value",
                "qkv")) {
            return "attention";
        }
        if (containsAny(n, "ffn", "mlp", "intermediate", "fc1", "fc2", "up_proj", "down_proj", "gate_proj",
                "feed_forward", "c_fc")) {
            return "feed-forward";
        }
        return "other";
    }

    /** Transformer when the tensor names (or the architecture) speak of attention, else unknown. */
    static String modelType(Collection<String> names, String architecture) {
        if (architecture != null && containsAny(architecture.toLowerCase(Locale.ROOT), "llama", "bert", "gpt",
                "transformer", "mistral", "qwen", "phi", "gemma", "falcon", "t5", "mpt", "bloom", "roberta")) {
            return TRANSFORMER;
        }
        for (String name : names) {
            if (layerType(name).equals("attention")) {
                return TRANSFORMER;
            }
        }
        return UNKNOWN;
    }

    private static boolean containsAny(String text, String... parts) {
        for (String part : parts) {
            if (text.contains(part)) {
                return true;
            }
        }
        return false;
    }

    private LayerNames() {
    }
}
