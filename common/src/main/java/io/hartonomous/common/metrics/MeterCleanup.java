package io.hartonomous.common.metrics;

import io.micrometer.core.instrument.Metrics;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Forgets every meter of the global Micrometer registry when the application stops.
 *
 * <p>Quarkus registers application meters in {@link Metrics#globalRegistry}, which is static and
 * outlives the application. When a JVM starts a second application (the test suite restarts
 * Quarkus for each test profile), registering a gauge again returns the old one, which still reads
 * the beans of the stopped application: stale values, or none once they are collected. A service
 * process runs one application, so this only matters when it restarts in place.
 */
@ApplicationScoped
public class MeterCleanup {

    void onStop(@Observes ShutdownEvent event) {
        Metrics.globalRegistry.clear();
    }
}
