package io.hartonomous.atom.notify;

import io.hartonomous.common.auth.ServiceTokens;
import io.hartonomous.common.hash.ContentHash;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Tells search-service that a job completed, so new content is embedded within seconds. Best
 * effort by design: the call runs on its own thread after the job's commit, never delays or fails
 * the job, and a lost notification only waits for search-service's periodic catch-up scan.
 */
@ApplicationScoped
public class SearchNotifier {

    private static final Logger LOG = Logger.getLogger(SearchNotifier.class);

    /** {@code hartonomous.atom.notify.*}; search-service's URL is {@code quarkus.rest-client.search.url}. */
    @ConfigMapping(prefix = "hartonomous.atom.notify")
    public interface NotifyConfig {
        /** Whether completed jobs are announced to search-service. */
        @WithDefault("true")
        boolean enabled();
    }

    private final SearchApi search;
    private final ServiceTokens tokens;
    private final boolean enabled;
    // one sender, a bounded backlog: when search-service is slow, the oldest news is not worth a thread
    private final ExecutorService sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "search-notify");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    public SearchNotifier(@RestClient SearchApi search, ServiceTokens tokens, NotifyConfig config) {
        this.search = search;
        this.tokens = tokens;
        this.enabled = config.enabled();
    }

    /** Announces a completed ingestion root of {@code tenant} (null: a job of several roots). Returns at once. */
    public void completed(int tenant, ContentHash root) {
        if (!enabled || !tokens.configured()) {
            return; // without a signing key no call could authenticate (the catch-up scan finds the roots)
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", tenant);
        if (root != null) {
            body.put("rootHash", root.hex());
        }
        try {
            sender.execute(() -> {
                try {
                    search.notify("Bearer " + tokens.token(tenant), body);
                } catch (RuntimeException e) {
                    LOG.debugf("search-service was not told about %s (its catch-up scan will find it): %s", root, e);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            // the scan finds it
        }
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
    }
}
