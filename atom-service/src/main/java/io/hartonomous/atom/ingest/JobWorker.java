package io.hartonomous.atom.ingest;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Picks up jobs nobody holds — new ones, and ones whose worker died (expired lease) — every
 * second, and runs up to {@code workers} of them on its own threads.
 */
@ApplicationScoped
public class JobWorker {

    private static final Logger LOG = Logger.getLogger(JobWorker.class);

    private final JobRepository jobs;
    private final JobRunner runner;
    private final Semaphore slots;
    private final ExecutorService executor;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();

    private final IngestConfig config;

    public JobWorker(JobRepository jobs, JobRunner runner, IngestConfig config) {
        this.config = config;
        this.jobs = jobs;
        this.runner = runner;
        this.slots = new Semaphore(config.workers());
        this.executor = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "ingest-worker");
            t.setDaemon(true);
            return t;
        });
    }

    @Scheduled(every = "${hartonomous.atom.ingest.poll:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        nudge();
    }

    /**
     * Reports the usage of finished jobs whose process died before billing acknowledged it (older
     * than a lease, so a report in progress is not raced); billing's idempotency keys make a repeat harmless.
     */
    @Scheduled(every = "${hartonomous.atom.ingest.usage-sweep:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepUnreportedUsage() {
        try {
            for (UUID id : jobs.unreportedFinished(JobRepository.now().minus(config.lease()), 100)) {
                runner.reportFinished(id);
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "usage sweep failed; retrying on the next tick");
        }
    }

    /** Looks for runnable jobs now. */
    public void nudge() {
        if (slots.availablePermits() == 0) {
            return;
        }
        try {
            for (UUID id : jobs.runnable(slots.availablePermits() + running.size())) {
                if (running.contains(id) || !slots.tryAcquire()) {
                    continue;
                }
                running.add(id);
                executor.submit(() -> {
                    try {
                        runner.run(id);
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "job %s not finished this round", id);
                    } finally {
                        running.remove(id);
                        slots.release();
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "job scan failed; retrying on the next tick");
        }
    }

    void stop(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }
}
