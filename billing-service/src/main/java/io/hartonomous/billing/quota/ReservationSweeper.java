package io.hartonomous.billing.quota;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Expires overdue reservations every {@code hartonomous.billing.quota.sweep-interval}, set-based. */
@ApplicationScoped
public class ReservationSweeper {

    private static final Logger LOG = Logger.getLogger(ReservationSweeper.class);

    private final QuotaService quotas;

    public ReservationSweeper(QuotaService quotas) {
        this.quotas = quotas;
    }

    @Scheduled(every = "${hartonomous.billing.quota.sweep-interval:10s}", delay = 5,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return quotas.expireOverdue().replaceWithVoid()
                .onFailure().recoverWithUni(f -> {
                    LOG.warnf(f, "reservation expiry sweep failed; the next one retries");
                    return Uni.createFrom().voidItem();
                });
    }
}
