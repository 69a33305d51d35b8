package io.hartonomous.search.query;

import io.hartonomous.common.error.HartonomousException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** Validated parameters of a search; every violation is a 400 with a message naming the parameter. */
public record SearchParams(String q, Mode mode, int k, Set<String> modalities, Set<String> subtypes, Long concept,
                           Long createdFrom, Long createdTo, boolean scoreFusion, Double bm25Weight, Double vectorWeight,
                           boolean exact) {

    static final Set<String> MODALITIES = Set.of("text", "code", "image", "audio", "model", "database", "git", "binary");

    public static SearchParams parse(String q, String mode, String k, String modality, String subtype, String concept,
                                     String createdFrom, String createdTo, String fusion, String bm25Weight, String vectorWeight,
                                     String exact, int maxK, int maxChars) {
        if (q == null || q.isBlank()) {
            throw HartonomousException.invalid("Parameter 'q' is required and must not be blank.");
        }
        if (q.length() > maxChars) {
            throw HartonomousException.invalid("Parameter 'q' is " + q.length() + " characters long; at most " + maxChars
                    + " are allowed.");
        }
        Mode m = mode == null || mode.isBlank() ? Mode.HYBRID : Mode.parse(mode);
        if (m == null) {
            throw HartonomousException.invalid("Parameter 'mode' must be one of vector, bm25, hybrid, spatial; not '"
                    + clip(mode) + "'.");
        }
        int kk = 10;
        if (k != null && !k.isBlank()) {
            try {
                kk = Integer.parseInt(k.strip());
            } catch (NumberFormatException e) {
                kk = -1;
            }
            if (kk < 1 || kk > maxK) {
                throw HartonomousException.invalid("Parameter 'k' must be an integer from 1 to " + maxK + "; not '" + clip(k) + "'.");
            }
        }
        Set<String> mods = list(modality);
        if (mods != null) {
            for (String s : mods) {
                if (!MODALITIES.contains(s)) {
                    throw HartonomousException.invalid("Parameter 'modality' has an unknown modality '" + clip(s) + "'; known: "
                            + String.join(", ", MODALITIES.stream().sorted().toList()) + ".");
                }
            }
        }
        Set<String> subs = list(subtype);
        Long conceptId = null;
        if (concept != null && !concept.isBlank()) {
            try {
                conceptId = Long.parseLong(concept.strip());
            } catch (NumberFormatException e) {
                throw HartonomousException.invalid("Parameter 'concept' must be a concept id (an integer); not '" + clip(concept) + "'.");
            }
        }
        Long from = time("createdFrom", createdFrom);
        Long to = time("createdTo", createdTo);
        if (from != null && to != null && from > to) {
            throw HartonomousException.invalid("Parameter 'createdFrom' is after 'createdTo'.");
        }
        boolean score;
        if (fusion == null || fusion.isBlank() || fusion.equals("rrf")) {
            score = false;
        } else if (fusion.equals("score")) {
            score = true;
        } else {
            throw HartonomousException.invalid("Parameter 'fusion' must be rrf or score; not '" + clip(fusion) + "'.");
        }
        boolean ex = exact != null && !exact.isBlank() && Boolean.parseBoolean(exact.strip());
        return new SearchParams(q, m, kk, mods, subs, conceptId, from, to, score, weight("wBm25", bm25Weight),
                weight("wVector", vectorWeight), ex);
    }

    private static Set<String> list(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).forEach(out::add);
        return out.isEmpty() ? null : out;
    }

    private static Double weight(String name, String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            double w = Double.parseDouble(s.strip());
            if (w >= 0 && w <= 100) {
                return w;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw HartonomousException.invalid("Parameter '" + name + "' must be a number from 0 to 100; not '" + clip(s) + "'.");
    }

    /** ISO-8601 instant (2026-01-31T12:00:00Z) or date (2026-01-31, midnight UTC), as epoch milliseconds. */
    private static Long time(String name, String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s.strip()).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(s.strip()).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw HartonomousException.invalid("Parameter '" + name + "' must be an ISO-8601 instant (2026-01-31T12:00:00Z) "
                        + "or date (2026-01-31); not '" + clip(s) + "'.");
            }
        }
    }

    static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
