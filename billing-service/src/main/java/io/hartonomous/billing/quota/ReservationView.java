package io.hartonomous.billing.quota;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/** A reservation as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReservationView(UUID reservationId, String meter, long amount, String status, Instant createdAt,
                              Instant expiresAt, Instant resolvedAt) {

    public static ReservationView of(Reservation r) {
        return new ReservationView(r.id(), r.meter().wire(), r.amount(), r.status().toLowerCase(java.util.Locale.ROOT),
                r.createdAt(), r.expiresAt(), r.resolvedAt());
    }
}
