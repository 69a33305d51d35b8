package io.hartonomous.billing.usage;

import io.hartonomous.billing.meter.Aggregation;
import io.hartonomous.billing.meter.Meter;
import io.hartonomous.billing.quota.QuotaState;
import io.hartonomous.billing.quota.Reservation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Decides, for one tenant's valid events in batch order, which are duplicates of stored events,
 * which must be rejected by quota or reservation rules, and which go to the ledger. Pure: the
 * caller has locked the tenant's quota rows, so the states it passes stay true until commit.
 */
public final class BatchDecision {

    public static final String QUOTA_EXCEEDED = "quota_exceeded";
    public static final String RESERVATION_NOT_FOUND = "reservation_not_found";
    public static final String RESERVATION_NOT_ACTIVE = "reservation_not_active";
    public static final String RESERVATION_METER_MISMATCH = "reservation_meter_mismatch";
    public static final String RESERVATION_EXCEEDED = "reservation_exceeded";
    public static final String RESERVATION_ALREADY_USED = "reservation_already_used";

    /** The events to insert, and the outcomes already known (duplicates, rejections) by index. */
    public record Result(List<UsageEvent> toInsert, Map<Integer, EventOutcome> decided) {
    }

    private BatchDecision() {
    }

    public static Result decide(List<UsageEvent> events, Set<String> storedKeys, Map<Meter, QuotaState> quotas,
                                Map<UUID, Reservation> reservations, Instant now) {
        Map<Meter, QuotaState> state = new HashMap<>(quotas);
        Set<UUID> usedReservations = new HashSet<>();
        List<UsageEvent> toInsert = new ArrayList<>();
        Map<Integer, EventOutcome> decided = new HashMap<>();
        for (UsageEvent e : events) {
            if (storedKeys.contains(e.idempotencyKey())) {
                decided.put(e.index(), EventOutcome.duplicate(e.index(), e.idempotencyKey()));
                continue;
            }
            QuotaState quota = state.get(e.meter());
            long contribution = e.quotaCharge();
            if (e.reservationId() != null) {
                Reservation r = reservations.get(e.reservationId());
                String reason = null;
                String detail = null;
                if (r == null) {
                    reason = RESERVATION_NOT_FOUND;
                    detail = "no reservation " + e.reservationId() + " of this tenant";
                } else if (!r.usableAt(now)) {
                    reason = RESERVATION_NOT_ACTIVE;
                    detail = "the reservation is " + (Reservation.ACTIVE.equals(r.status()) ? "expired" : r.status().toLowerCase());
                } else if (r.meter() != e.meter()) {
                    reason = RESERVATION_METER_MISMATCH;
                    detail = "the reservation is for meter " + r.meter().wire();
                } else if (contribution > r.amount()) {
                    reason = RESERVATION_EXCEEDED;
                    detail = "the usage (" + contribution + ") exceeds the reserved amount (" + r.amount() + ")";
                } else if (!usedReservations.add(r.id())) {
                    reason = RESERVATION_ALREADY_USED;
                    detail = "an earlier event of this batch commits the same reservation";
                }
                if (reason != null) {
                    decided.put(e.index(), EventOutcome.rejected(e.index(), e.idempotencyKey(), reason, detail));
                    continue;
                }
                state.put(e.meter(), quota.plus(contribution, -r.amount()));
            } else {
                if (e.meter().aggregation() == Aggregation.MAX && e.quantity() > quota.limit()) {
                    // a peak is a level, not consumption: the limit caps each reported value
                    decided.put(e.index(), EventOutcome.rejected(e.index(), e.idempotencyKey(), QUOTA_EXCEEDED,
                            "the " + e.meter().wire() + " quota caps each value at " + quota.limit()));
                    continue;
                }
                if (!quota.fits(contribution)) {
                    decided.put(e.index(), EventOutcome.rejected(e.index(), e.idempotencyKey(), QUOTA_EXCEEDED,
                            "the " + e.meter().wire() + " quota has " + quota.remaining() + " remaining"));
                    continue;
                }
                state.put(e.meter(), quota.plus(contribution, 0));
            }
            toInsert.add(e);
        }
        return new Result(toInsert, decided);
    }
}
