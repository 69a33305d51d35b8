package io.hartonomous.atom.read;

import io.hartonomous.atom.lineage.HistoryRepository;
import io.hartonomous.atom.lineage.LineageService;
import io.hartonomous.atom.store.AtomRecord;
import io.hartonomous.atom.store.AtomRepository;
import io.hartonomous.atom.store.ChildRecord;
import io.hartonomous.common.error.ErrorCode;
import io.hartonomous.common.error.HartonomousException;
import io.hartonomous.common.hash.ContentHash;
import io.hartonomous.common.tenancy.CurrentCaller;
import io.hartonomous.common.tenancy.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Atoms by hash: metadata, content, components, history and lineage. */
@Path("/api/v1/atoms/{hash}")
@Tag(name = "atoms")
@SecurityRequirement(name = "jwt")
@RolesAllowed({Roles.INGEST, Roles.SEARCH, Roles.ADMIN, Roles.SERVICE})
public class AtomResource {

    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private final AtomRepository atoms;
    private final ContentReader reader;
    private final CurrentCaller caller;
    private final HistoryRepository history;
    private final LineageService lineage;
    private final io.hartonomous.atom.atomize.Atomizers atomizers;

    public AtomResource(AtomRepository atoms, ContentReader reader, CurrentCaller caller, HistoryRepository history,
                        LineageService lineage, io.hartonomous.atom.atomize.Atomizers atomizers) {
        this.atomizers = atomizers;
        this.atoms = atoms;
        this.reader = reader;
        this.caller = caller;
        this.history = history;
        this.lineage = lineage;
    }

    public record AtomView(String hash, String modality, String subtype, String contentType, long size,
                           boolean composite, long referenceCount, LocalDateTime created, Long conceptId, String preview) {
    }

    public record ComponentView(long sequence, String hash, String modality, String subtype, long size,
                                Double x, Double y, Double z, Long m) {
    }

    public record ComponentPage(String hash, long offset, int limit, List<ComponentView> components) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "An atom's metadata")
    @APIResponse(responseCode = "200", description = "The atom")
    @APIResponse(responseCode = "404", description = "The tenant has no such atom")
    public AtomView metadata(@PathParam("hash") String hash) {
        AtomRecord a = load(hash);
        return new AtomView(a.hash().hex(), a.modality(), a.subtype(), a.contentType(), a.length(), a.composite(),
                a.referenceCount(), a.createdAt(), a.conceptId(), java.util.HexFormat.of().formatHex(a.value()));
    }

    @GET
    @Path("/content")
    @Produces(MediaType.WILDCARD)
    @Blocking
    @Operation(summary = "The exact bytes the atom stands for",
            description = "Streamed; supports a single HTTP byte range (206; 416 with Content-Range: bytes */size when "
                    + "it starts beyond the end). Content-Type is the one the upload named, else the one the content's "
                    + "signature shows (e.g. image/png, text/plain; charset=utf-8; also for the files of an archive or a "
                    + "batch and for parts of files), else application/octet-stream.")
    @APIResponse(responseCode = "200", description = "The content")
    @APIResponse(responseCode = "206", description = "The requested range")
    @APIResponse(responseCode = "404", description = "The tenant has no such atom")
    @APIResponse(responseCode = "416", description = "Unsatisfiable range")
    public Response content(@PathParam("hash") String hash, @HeaderParam("Range") String range) {
        AtomRecord a = load(hash);
        int tenant = caller.get().tenantId();
        long length = a.length();
        long from = 0;
        long to = length - 1;
        boolean partial = false;
        if (range != null && !range.isBlank()) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                throw new HartonomousException(ErrorCode.RANGE_NOT_SATISFIABLE,
                        "Only one range of the form bytes=a-b, bytes=a- or bytes=-n is supported.",
                        Map.of("size", length), null);
            }
            try {
                if (m.group(1).isEmpty()) {
                    from = Math.max(0, length - Long.parseLong(m.group(2)));
                } else {
                    from = Long.parseLong(m.group(1));
                    to = m.group(2).isEmpty() ? length - 1 : Math.min(length - 1, Long.parseLong(m.group(2)));
                }
            } catch (NumberFormatException e) {
                throw new HartonomousException(ErrorCode.RANGE_NOT_SATISFIABLE, "The range is out of bounds.",
                        Map.of("size", length), null);
            }
            if (from >= length || from > to) {
                throw new HartonomousException(ErrorCode.RANGE_NOT_SATISFIABLE,
                        "The range starts beyond the content's " + length + " bytes.", Map.of("size", length), null);
            }
            partial = true;
        }
        long start = from;
        long end = to;
        StreamingOutput body = out -> reader.write(tenant, a, start, end, out);
        Response.ResponseBuilder response = Response.status(partial ? 206 : 200).entity(body)
                .type(a.contentType() != null ? a.contentType() : sniffedType(tenant, a))
                .header("Accept-Ranges", "bytes")
                .header("Content-Length", end - start + 1)
                .header("ETag", "\"" + a.hash().hex() + "\"");
        if (partial) {
            response.header("Content-Range", "bytes " + start + "-" + end + "/" + length);
        }
        return response.build();
    }

    /** How many first bytes of an atom without a recorded media type are read to tell it by its signature. */
    static final int SNIFF_BYTES = 4096;

    /**
     * The media type of an atom no upload named one for (a file of an archive or a batch, a part of
     * a file, content sent as application/octet-stream before types were taken from signatures): the
     * type its first bytes show to the atomizer that would take them under the name its latest pin
     * gave it (none for a part of a file), else application/octet-stream.
     */
    private String sniffedType(int tenant, AtomRecord a) {
        int n = (int) Math.min(a.length(), SNIFF_BYTES);
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream(n);
        try {
            reader.write(tenant, a, 0, n - 1, head);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String name = atoms.rootName(tenant, a.hash()).orElse("");
        io.hartonomous.atom.atomize.Sniff sniff = new io.hartonomous.atom.atomize.Sniff(name, head.toByteArray(), a.length());
        String type = atomizers.choose(sniff).mediaType(sniff);
        return type == null ? MediaType.APPLICATION_OCTET_STREAM : type;
    }

    @GET
    @Path("/components")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "An atom's components in sequence order, paged")
    @APIResponse(responseCode = "200", description = "A page of components (empty for a leaf)")
    @APIResponse(responseCode = "404", description = "The tenant has no such atom")
    public ComponentPage components(@PathParam("hash") String hash,
                                    @QueryParam("offset") @DefaultValue("0") long offset,
                                    @QueryParam("limit") @DefaultValue("100") int limit) {
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw HartonomousException.invalid("offset must be >= 0 and limit 1..1000.");
        }
        AtomRecord a = load(hash);
        List<ComponentView> page = atoms.componentPage(caller.get().tenantId(), a.hash(), offset, limit).stream()
                .map(AtomResource::view).toList();
        return new ComponentPage(a.hash().hex(), offset, limit, page);
    }

    public record HistoryPage(String hash, int page, int size, boolean hasMore, List<HistoryRepository.Version> versions) {
    }

    @GET
    @Path("/history")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "An atom's temporal history, newest first, paged",
            description = "The current version and the past ones (dbo.AtomHistory) with validFrom / validTo (null while "
                    + "current). On PostgreSQL a version is recorded when what the atom is changes (modality, subtype, "
                    + "content type, metadata, canonical text, concept) and when it is deleted; reference-count "
                    + "bookkeeping is not versioned. SQL Server's SYSTEM_VERSIONING versions every update. Versions of an "
                    + "atom that garbage collection deleted stay readable.")
    @APIResponse(responseCode = "200", description = "A page of versions")
    @APIResponse(responseCode = "404", description = "The tenant never had such an atom")
    public HistoryPage history(@PathParam("hash") String hash,
                               @QueryParam("page") @DefaultValue("0") int page,
                               @QueryParam("size") @DefaultValue("20") int size) {
        checkPage(page, size);
        ContentHash h = parse(hash);
        List<HistoryRepository.Version> versions = history.versions(caller.get().tenantId(), h, (long) page * size, size + 1);
        if (versions.isEmpty() && (page == 0 || history.versions(caller.get().tenantId(), h, 0, 1).isEmpty())) {
            throw HartonomousException.notFound("No atom " + h.hex() + ".");
        }
        boolean more = versions.size() > size;
        return new HistoryPage(h.hex(), page, size, more, more ? versions.subList(0, size) : versions);
    }

    @GET
    @Path("/lineage")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "An atom's lineage in W3C PROV terms",
            description = "The pinned ingestion roots that contain the atom (walked up the compositions, bounded: "
                    + "truncated=true when the walk stopped at its bound), newest first and paged; the activities "
                    + "(ingestion jobs) that generated them (wasGeneratedBy) with the sources they used (used) and the "
                    + "agents who asked (wasAssociatedWith); what the atom wasDerivedFrom and what was derived from it "
                    + "(hadDerivation), from recorded derivations and derives_from / decodes_to relations. "
                    + "format=prov-json renders the same as a PROV-JSON document.")
    @APIResponse(responseCode = "200", description = "The lineage (format=json; format=prov-json gives a PROV-JSON document)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = LineageService.Lineage.class)))
    @APIResponse(responseCode = "404", description = "The tenant has no such atom")
    public Object lineage(@PathParam("hash") String hash,
                          @QueryParam("page") @DefaultValue("0") int page,
                          @QueryParam("size") @DefaultValue("20") int size,
                          @QueryParam("format") @DefaultValue("json") String format) {
        checkPage(page, size);
        if (!format.equals("json") && !format.equals("prov-json")) {
            throw HartonomousException.invalid("format must be json or prov-json.");
        }
        AtomRecord a = load(hash);
        LineageService.Lineage l = lineage.of(caller.get().tenantId(), a, page, size);
        return format.equals("prov-json") ? LineageService.provJson(l) : l;
    }

    private static void checkPage(int page, int size) {
        if (page < 0 || size < 1 || size > 100) {
            throw HartonomousException.invalid("page must be >= 0 and size 1..100.");
        }
    }

    private static ComponentView view(ChildRecord c) {
        return new ComponentView(c.sequence(), c.child().hex(), c.modality(), c.subtype(), c.length(), c.x(), c.y(), c.z(),
                c.m());
    }

    private static ContentHash parse(String hash) {
        try {
            return ContentHash.parse(hash);
        } catch (IllegalArgumentException e) {
            throw HartonomousException.invalid("Not a SHA-256 hex digest: " + e.getMessage());
        }
    }

    private AtomRecord load(String hash) {
        ContentHash h = parse(hash);
        return atoms.find(caller.get().tenantId(), h)
                .orElseThrow(() -> HartonomousException.notFound("No atom " + h.hex() + "."));
    }
}
