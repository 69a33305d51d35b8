package io.hartonomous.billing.usage;

import java.util.List;

/** The answer to a batch: counts per outcome and each event's outcome, in request order. */
public record BatchResult(int accepted, int duplicate, int rejected, List<EventOutcome> results) {

    public static BatchResult of(List<EventOutcome> results) {
        int a = 0;
        int d = 0;
        int r = 0;
        for (EventOutcome o : results) {
            switch (o.outcome()) {
                case EventOutcome.ACCEPTED -> a++;
                case EventOutcome.DUPLICATE -> d++;
                default -> r++;
            }
        }
        return new BatchResult(a, d, r, results);
    }
}
