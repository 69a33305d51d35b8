package io.hartonomous.atom.lineage;

import io.hartonomous.atom.store.AtomRecord;
import io.hartonomous.common.hash.ContentHash;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An atom's lineage in W3C PROV terms: the pinned roots that contain it, the activities (ingestion
 * jobs) that generated those roots with the sources they used and the agents they were associated
 * with, and what the atom was derived from and what was derived from it.
 */
@ApplicationScoped
public class LineageService {

    /** Composition levels walked up from the atom; deeper than any atomizer nests. */
    static final int MAX_LEVELS = 64;
    /** Containing atoms collected at most (a very common token sits in very many lines). */
    static final int MAX_ANCESTORS = 10_000;
    /** Derivations listed at most in each direction. */
    static final int MAX_DERIVATIONS = 500;

    private final LineageRepository lineage;
    private final ProvenanceRepository provenance;

    public LineageService(LineageRepository lineage, ProvenanceRepository provenance) {
        this.lineage = lineage;
        this.provenance = provenance;
    }

    public record RootView(String hash, String sourceName, UUID jobId, LocalDateTime pinnedAt, boolean self) {
    }

    public record SourceView(String entity, String name, String sha256, long size, String mediaType, String role) {
    }

    public record AgentView(String agent, String kind, String subject, String role) {
    }

    public record GeneratedView(String hash, String role, LocalDateTime at) {
    }

    public record ActivityView(String activity, UUID jobId, String type, LocalDateTime startedAt, LocalDateTime endedAt,
                               List<SourceView> used, List<AgentView> wasAssociatedWith, List<GeneratedView> generated) {
    }

    /**
     * One derivation. {@code hash} is the other atom, or null when the other end is a source
     * ({@code source}, {@code sourceName}); {@code relationId} when a relation states it,
     * {@code activity} / {@code jobId} when an ingestion recorded it.
     */
    public record DerivationView(String hash, String source, String sourceName, String type, Long relationId,
                                 String activity, UUID jobId) {
    }

    public record Lineage(String hash, int page, int size, long totalRoots, boolean truncated, List<RootView> roots,
                          List<ActivityView> activities, List<DerivationView> wasDerivedFrom,
                          List<DerivationView> hadDerivation) {
    }

    /** The lineage of the tenant's atom {@code atom}; {@code page} pages the roots (and their activities). */
    public Lineage of(int tenant, AtomRecord atom, int page, int size) {
        ContentHash hash = atom.hash();
        LineageRepository.Ancestry ancestry = lineage.ancestry(tenant, hash, MAX_LEVELS, MAX_ANCESTORS);
        long total = lineage.countPins(tenant, ancestry.atoms());
        List<LineageRepository.Pin> pins = lineage.pins(tenant, ancestry.atoms(), (long) page * size, size);
        List<RootView> roots = pins.stream()
                .map(p -> new RootView(p.hash().hex(), p.sourceName(), p.jobId(), p.pinnedAt(), p.hash().equals(hash)))
                .toList();
        Set<UUID> jobs = new LinkedHashSet<>();
        pins.stream().map(LineageRepository.Pin::jobId).filter(java.util.Objects::nonNull).forEach(jobs::add);
        List<ActivityView> activities = provenance.activitiesOf(tenant, jobs).stream().map(LineageService::view).toList();

        Map<String, DerivationView> from = new LinkedHashMap<>();
        Map<String, DerivationView> to = new LinkedHashMap<>();
        for (LineageRepository.Derivation d : lineage.recordedDerivations(tenant, hash, MAX_DERIVATIONS)) {
            String activity = d.activityId() == null ? null : activityId(d.activityId());
            if (d.generated().equals(hash)) {
                String other = d.usedAtom() == null ? null : d.usedAtom().hex();
                String source = d.usedEntityId() == null ? null : entityId(d.usedEntityId());
                from.putIfAbsent(key(other == null ? source : other, d.type()),
                        new DerivationView(other, source, d.usedSourceName(), d.type(), null, activity, d.jobId()));
            } else {
                to.putIfAbsent(key(d.generated().hex(), d.type()),
                        new DerivationView(d.generated().hex(), null, null, d.type(), null, activity, d.jobId()));
            }
        }
        for (LineageRepository.RelationEdge e : lineage.derivationRelations(tenant, atom.atomId(), MAX_DERIVATIONS)) {
            // derives_from: the source was derived from the target; decodes_to: the target from the source
            boolean derivesFrom = "derives_from".equals(e.type());
            ContentHash generated = derivesFrom ? e.source() : e.target();
            ContentHash used = derivesFrom ? e.target() : e.source();
            if (generated.equals(hash)) {
                merge(from, used.hex(), e);
            }
            if (used.equals(hash)) {
                merge(to, generated.hex(), e);
            }
        }
        return new Lineage(hash.hex(), page, size, total, ancestry.truncated(), roots, activities,
                new ArrayList<>(from.values()), new ArrayList<>(to.values()));
    }

    private static void merge(Map<String, DerivationView> views, String other, LineageRepository.RelationEdge e) {
        views.merge(key(other, e.type()), new DerivationView(other, null, null, e.type(), e.relationId(), null, null),
                (recorded, relation) -> new DerivationView(recorded.hash(), recorded.source(), recorded.sourceName(),
                        recorded.type(), relation.relationId(), recorded.activity(), recorded.jobId()));
    }

    private static String key(String other, String type) {
        return other + " " + type;
    }

    static String activityId(long id) {
        return "activity-" + id;
    }

    static String entityId(long id) {
        return "source-" + id;
    }

    static String agentId(long id) {
        return "agent-" + id;
    }

    private static ActivityView view(ProvenanceRepository.ActivityRecord a) {
        return new ActivityView(activityId(a.activityId()), a.jobId(), a.type(), a.startedAt(), a.endedAt(),
                a.used().stream().map(s -> new SourceView(entityId(s.entityId()), s.name(), s.hash().hex(), s.size(),
                        s.mediaType(), s.role())).toList(),
                a.associatedWith().stream().map(g -> new AgentView(agentId(g.agentId()), g.kind(), g.subject(), g.role()))
                        .toList(),
                a.generated().stream().map(g -> new GeneratedView(g.hash().hex(), g.role(), g.at())).toList());
    }

    /**
     * The same lineage as a PROV-JSON document (https://www.w3.org/submissions/prov-json/): atoms
     * are {@code atom:<sha256>}, sources {@code hart:source-<id>}, activities
     * {@code hart:activity-<id>}, agents {@code hart:agent-<id>}.
     */
    public static Map<String, Object> provJson(Lineage l) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("prefix", Map.of("hart", "urn:hartonomous:", "atom", "urn:hartonomous:atom:"));
        Map<String, Object> entity = new LinkedHashMap<>();
        Map<String, Object> activity = new LinkedHashMap<>();
        Map<String, Object> agent = new LinkedHashMap<>();
        Map<String, Object> generatedBy = new LinkedHashMap<>();
        Map<String, Object> used = new LinkedHashMap<>();
        Map<String, Object> associated = new LinkedHashMap<>();
        Map<String, Object> derived = new LinkedHashMap<>();
        entity.put("atom:" + l.hash(), Map.of("prov:type", "hart:atom"));
        for (RootView r : l.roots()) {
            entity.putIfAbsent("atom:" + r.hash(), attributes("prov:type", "hart:root", "prov:label", r.sourceName()));
        }
        for (ActivityView a : l.activities()) {
            String id = "hart:" + a.activity();
            activity.put(id, attributes("prov:type", "hart:" + a.type(), "prov:startTime", a.startedAt(),
                    "prov:endTime", a.endedAt(), "hart:jobId", a.jobId()));
            for (SourceView s : a.used()) {
                entity.put("hart:" + s.entity(), attributes("prov:type", "hart:source", "prov:label", s.name(),
                        "hart:sha256", s.sha256(), "hart:size", s.size(), "hart:mediaType", s.mediaType()));
                used.put("_:u" + (used.size() + 1), attributes("prov:activity", id, "prov:entity", "hart:" + s.entity(),
                        "prov:role", s.role()));
            }
            for (AgentView g : a.wasAssociatedWith()) {
                agent.put("hart:" + g.agent(), attributes("prov:type", "service".equals(g.kind())
                        ? "prov:SoftwareAgent" : "prov:Person", "prov:label", g.subject()));
                associated.put("_:w" + (associated.size() + 1), attributes("prov:activity", id,
                        "prov:agent", "hart:" + g.agent(), "prov:role", g.role()));
            }
            for (GeneratedView g : a.generated()) {
                entity.putIfAbsent("atom:" + g.hash(), Map.of("prov:type", "hart:atom"));
                generatedBy.put("_:g" + (generatedBy.size() + 1), attributes("prov:entity", "atom:" + g.hash(),
                        "prov:activity", id, "prov:time", g.at(), "prov:role", g.role()));
            }
        }
        for (DerivationView d : l.wasDerivedFrom()) {
            String usedId = d.hash() != null ? "atom:" + d.hash() : "hart:" + d.source();
            if (d.hash() != null) {
                entity.putIfAbsent(usedId, Map.of("prov:type", "hart:atom"));
            } else {
                entity.putIfAbsent(usedId, attributes("prov:type", "hart:source", "prov:label", d.sourceName()));
            }
            derived.put("_:d" + (derived.size() + 1), attributes("prov:generatedEntity", "atom:" + l.hash(),
                    "prov:usedEntity", usedId, "prov:activity", d.activity() == null ? null : "hart:" + d.activity(),
                    "prov:type", "hart:" + d.type()));
        }
        for (DerivationView d : l.hadDerivation()) {
            entity.putIfAbsent("atom:" + d.hash(), Map.of("prov:type", "hart:atom"));
            derived.put("_:d" + (derived.size() + 1), attributes("prov:generatedEntity", "atom:" + d.hash(),
                    "prov:usedEntity", "atom:" + l.hash(), "prov:activity", d.activity() == null ? null : "hart:" + d.activity(),
                    "prov:type", "hart:" + d.type()));
        }
        doc.put("entity", entity);
        doc.put("activity", activity);
        doc.put("agent", agent);
        doc.put("wasGeneratedBy", generatedBy);
        doc.put("used", used);
        doc.put("wasAssociatedWith", associated);
        doc.put("wasDerivedFrom", derived);
        return doc;
    }

    /** Name/value pairs without the null values (PROV-JSON omits absent attributes). */
    private static Map<String, Object> attributes(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                out.put((String) pairs[i], pairs[i + 1] instanceof LocalDateTime t ? t + "Z" : pairs[i + 1].toString());
            }
        }
        return out;
    }
}
