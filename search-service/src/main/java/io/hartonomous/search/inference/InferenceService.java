package io.hartonomous.search.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.search.metering.Usage;
import io.hartonomous.search.store.AtomNode;
import io.hartonomous.search.store.AtomReadRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Runs a tenant's atomized ONNX model on given inputs. The model is found by its hash among the
 * caller's atoms (another tenant's model answers 404), rebuilt from its atoms and kept as an ONNX
 * Runtime session (a few at a time). Outputs are cached by SHA-256(model hash + canonical input).
 */
@ApplicationScoped
public class InferenceService {

    static final long MAX_MODEL_BYTES = 512L << 20;
    static final int MAX_ELEMENTS = 1 << 20;
    static final Duration TTL = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomReadRepository atoms;
    private final InferenceCacheRepository cache;
    private final Usage usage;
    private final Counter hits;
    private final Counter misses;
    private final Map<String, OrtSession> sessions = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OrtSession> eldest) {
            if (size() > 4) {
                try {
                    eldest.getValue().close();
                } catch (OrtException ignored) {
                    // closing a session we drop anyway
                }
                return true;
            }
            return false;
        }
    };

    public InferenceService(AtomReadRepository atoms, InferenceCacheRepository cache, Usage usage, MeterRegistry registry) {
        this.atoms = atoms;
        this.cache = cache;
        this.usage = usage;
        this.hits = Counter.builder("hartonomous_search_inference_cache_total").tag("outcome", "hit").register(registry);
        this.misses = Counter.builder("hartonomous_search_inference_cache_total").tag("outcome", "miss").register(registry);
        Gauge.builder("hartonomous_search_inference_cache_hit_ratio", this, s -> {
            double total = s.hits.count() + s.misses.count();
            return total == 0 ? 0 : s.hits.count() / total;
        }).description("inference cache hits / lookups since start").register(registry);
    }

    /** The outputs of one run and whether they came from the cache. */
    public record Result(String model, Map<String, Tensor> outputs, boolean cached, long millis) {
    }

    public Result run(int tenant, String modelHash, Map<String, Tensor> inputs) {
        ContentHash hash = parse(modelHash);
        if (inputs == null || inputs.isEmpty()) {
            throw HartonomousException.invalid("'inputs' must name at least one input tensor.");
        }
        long start = System.nanoTime();
        byte[] key = key(hash, inputs);
        var cached = cache.get(tenant, key);
        if (cached.isPresent()) {
            hits.increment();
            return new Result(hash.hex(), decode(cached.get()), true, (System.nanoTime() - start) / 1_000_000);
        }
        misses.increment();
        Map<String, Tensor> outputs = execute(session(tenant, hash), inputs);
        long ms = (System.nanoTime() - start) / 1_000_000;
        cache.put(tenant, key, encode(outputs), TTL);
        usage.record(tenant, Usage.INFERENCE_MS, Math.max(1, ms), "inference:" + UUID.randomUUID());
        return new Result(hash.hex(), outputs, false, ms);
    }

    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        cache.purgeExpired();
    }

    private OrtSession session(int tenant, ContentHash hash) {
        String id = tenant + ":" + hash.hex();
        synchronized (sessions) {
            OrtSession s = sessions.get(id);
            if (s != null) {
                return s;
            }
        }
        Map<ContentHash, AtomNode> tree = new HashMap<>(atoms.atoms(tenant, List.of(hash)));
        AtomNode root = tree.get(hash);
        if (root == null) {
            throw HartonomousException.notFound("No model with hash " + hash.hex() + ".");
        }
        if (root.length() > MAX_MODEL_BYTES) {
            throw new HartonomousException(ErrorCode.PAYLOAD_TOO_LARGE, "The model is larger than " + (MAX_MODEL_BYTES >> 20)
                    + " MiB, the most inference loads.");
        }
        atoms.expand(tenant, tree, List.of(hash));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) root.length());
        try {
            AtomReadRepository.write(tree, hash, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            OrtSession s = OrtEnvironment.getEnvironment().createSession(bytes.toByteArray(), new OrtSession.SessionOptions());
            synchronized (sessions) {
                sessions.put(id, s);
            }
            return s;
        } catch (OrtException e) {
            throw new HartonomousException(ErrorCode.UNPROCESSABLE_CONTENT, "Atom " + hash.hex() + " is not an ONNX model ONNX Runtime "
                    + "can load.", e);
        }
    }

    private static Map<String, Tensor> execute(OrtSession session, Map<String, Tensor> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            Map<String, NodeInfo> declared = session.getInputInfo();
            for (String name : declared.keySet()) {
                if (!inputs.containsKey(name)) {
                    throw HartonomousException.invalid("The model needs input '" + name + "'; given " + inputs.keySet() + ".");
                }
            }
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                if (!declared.containsKey(e.getKey())) {
                    throw HartonomousException.invalid("The model has no input '" + e.getKey() + "'; it takes " + declared.keySet() + ".");
                }
                feed.put(e.getKey(), tensor(env, e.getKey(), e.getValue()));
            }
            try (OrtSession.Result result = session.run(feed)) {
                Map<String, Tensor> out = new TreeMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (e.getValue() instanceof OnnxTensor t) {
                        out.put(e.getKey(), read(t));
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new HartonomousException(ErrorCode.UNPROCESSABLE_CONTENT, "The model could not run on these inputs: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, String name, Tensor t) throws OrtException {
        if (t == null || t.shape() == null || t.data() == null) {
            throw HartonomousException.invalid("Input '" + name + "' needs 'shape' and 'data'.");
        }
        long[] shape = t.shape().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw HartonomousException.invalid("Input '" + name + "' has a negative dimension.");
            }
            count *= d;
        }
        if (count != t.data().size() || count > MAX_ELEMENTS) {
            throw HartonomousException.invalid("Input '" + name + "' has shape " + t.shape() + " (" + count + " values) but "
                    + t.data().size() + " values (at most " + MAX_ELEMENTS + ").");
        }
        String type = t.type() == null ? "float32" : t.type();
        return switch (type) {
            case "float32" -> {
                float[] f = new float[(int) count];
                for (int i = 0; i < f.length; i++) {
                    f[i] = t.data().get(i).floatValue();
                }
                yield OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape);
            }
            case "int64" -> {
                long[] l = new long[(int) count];
                for (int i = 0; i < l.length; i++) {
                    l[i] = t.data().get(i).longValue();
                }
                yield OnnxTensor.createTensor(env, LongBuffer.wrap(l), shape);
            }
            default -> throw HartonomousException.invalid("Input '" + name + "' has type '" + type + "'; float32 or int64 are supported.");
        };
    }

    private static Tensor read(OnnxTensor t) {
        TensorInfo info = t.getInfo();
        List<Long> shape = new ArrayList<>();
        for (long d : info.getShape()) {
            shape.add(d);
        }
        List<Double> data = new ArrayList<>();
        String type;
        switch (info.type) {
            case FLOAT -> {
                type = "float32";
                FloatBuffer b = t.getFloatBuffer();
                while (b.hasRemaining()) {
                    data.add((double) b.get());
                }
            }
            case INT64 -> {
                type = "int64";
                LongBuffer b = t.getLongBuffer();
                while (b.hasRemaining()) {
                    data.add((double) b.get());
                }
            }
            default -> type = info.type.name().toLowerCase(java.util.Locale.ROOT) + " (values not returned)";
        }
        return new Tensor(type, shape, data);
    }

    static ContentHash parse(String hex) {
        try {
            return ContentHash.parse(hex == null ? "" : hex);
        } catch (IllegalArgumentException e) {
            throw HartonomousException.invalid("'model' must be the model file's SHA-256 (64 hex digits).");
        }
    }

    static byte[] key(ContentHash model, Map<String, Tensor> inputs) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(model.bytes());
            sha.update(JSON.writeValueAsString(new TreeMap<>(inputs)).getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, Tensor> outputs) {
        try {
            return JSON.writeValueAsString(outputs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Tensor> decode(String json) {
        try {
            return JSON.readValue(json, JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, Tensor.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
