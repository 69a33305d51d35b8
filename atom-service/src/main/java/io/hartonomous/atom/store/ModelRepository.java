package io.hartonomous.atom.store;

import io.hartonomous.common.db.Tx;

import io.hartonomous.atom.atomize.AtomizeContext;
import io.hartonomous.common.db.BulkInsert;
import io.hartonomous.common.db.Column;
import io.hartonomous.common.db.Database;
import io.hartonomous.common.db.SqlDialect;
import io.hartonomous.common.db.SqlType;
import io.hartonomous.common.hash.ContentHash;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code dbo.Model}, {@code dbo.ModelLayer} and {@code dbo.TensorAtomCoefficient} for ingested
 * model files, written inside the ingestion chunk transactions. Models are unique per tenant and
 * name; a different file under a known name gets the name suffixed with its hash.
 */
@ApplicationScoped
public class ModelRepository {

    /** One weight: layer, tensor position, and the AtomId of its value atom. */
    public record Coefficient(int layer, int x, int y, Integer z, long valueAtomId) {
    }

    private final String findModel;
    private final String insertModel;
    private final BulkInsert insertLayers;
    private final BulkInsert insertCoefficients;

    public ModelRepository(Database db) {
        SqlDialect d = db.dialect();
        this.findModel = d.render("SELECT ModelId, ModelAtomHash FROM dbo.Model WHERE TenantId = ? AND ModelName = ?");
        this.insertModel = d.insertReturning("dbo.Model", List.of("TenantId", "ModelName", "ModelType", "Architecture",
                "ParameterCount", "ConfigurationJson", "ModelAtomHash", "Format"), List.of("ModelId"));
        this.insertLayers = d.bulkInsert("dbo.ModelLayer", List.of(Column.of("ModelId", SqlType.INT),
                Column.of("LayerIndex", SqlType.INT), Column.of("LayerName", SqlType.VARCHAR),
                Column.of("LayerType", SqlType.VARCHAR), Column.of("TensorShape", SqlType.VARCHAR),
                Column.of("QuantizationType", SqlType.VARCHAR), Column.of("QuantizationScale", SqlType.REAL),
                Column.of("ElementCount", SqlType.BIGINT), Column.of("TensorAtomHash", SqlType.HASH)),
                List.of("ModelId", "LayerIndex"));
        this.insertCoefficients = d.bulkInsert("dbo.TensorAtomCoefficient", List.of(Column.of("TenantId", SqlType.INT),
                Column.of("ModelId", SqlType.INT), Column.of("LayerIndex", SqlType.INT), Column.of("PositionX", SqlType.INT),
                Column.of("PositionY", SqlType.INT), Column.of("PositionZ", SqlType.INT),
                Column.of("ValueAtomId", SqlType.BIGINT)), List.of());
    }

    /** The model row for this file (created on first sight); the same id on every later call. */
    public int ensureModel(SqlConnection conn, int tenant, String name, AtomizeContext.ModelInfo info, ContentHash file) {
        String candidate = name.length() > 200 ? name.substring(0, 200) : name;
        for (int attempt = 0; attempt < 2; attempt++) {
            var rows = Tx.execute(conn, findModel, List.of(tenant, candidate));
            if (rows.size() == 0) {
                Row r = Tx.execute(conn, insertModel, Arrays.asList(tenant, candidate,
                        info.modelType() == null ? "unknown" : info.modelType(), info.architecture(), info.parameterCount(),
                        info.configurationJson(), file.bytes(), info.format())).iterator().next();
                return r.getInteger(0);
            }
            Row found = rows.iterator().next();
            byte[] stored = Rows.bytes(found.getValue(1));
            if (stored != null && ContentHash.of(stored).equals(file)) {
                return found.getInteger(0);
            }
            candidate = candidate + "#" + file.hex().substring(0, 12);
        }
        throw new IllegalStateException("no free model name for " + name);
    }

    public void insertLayers(SqlConnection conn, int modelId, List<AtomizeContext.LayerInfo> layers) {
        if (layers.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>();
        for (AtomizeContext.LayerInfo l : layers) {
            rows.add(new Object[]{modelId, l.index(), l.name(), l.layerType(), l.shape(), l.quantization(),
                    l.quantizationScale(), l.elementCount(), l.tensorRoot() == null ? null : l.tensorRoot().bytes()});
        }
        Tx.execute(conn, insertLayers.sql(), insertLayers.bind(rows));
    }

    public void insertCoefficients(SqlConnection conn, int tenant, int modelId, List<Coefficient> coefficients) {
        if (coefficients.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(coefficients.size());
        for (Coefficient c : coefficients) {
            rows.add(new Object[]{tenant, modelId, c.layer(), c.x(), c.y(), c.z(), c.valueAtomId()});
        }
        Tx.execute(conn, insertCoefficients.sql(), insertCoefficients.bind(rows));
    }
}
