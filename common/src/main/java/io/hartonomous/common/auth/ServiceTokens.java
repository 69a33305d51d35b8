package io.hartonomous.common.auth;

import io.hartonomous.common.tenancy.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tokens with the {@code service} role, acting for one tenant, for calls between services that have
 * no caller's token to propagate (background jobs). Signed with the suite's key: {@code hartonomous.service-token.private-key}
 * (PEM) or {@code hartonomous.service-token.private-key-location} (file). Cached until a minute
 * before expiry.
 */
@ApplicationScoped
public class ServiceTokens {

    private static final Duration LIFETIME = Duration.ofMinutes(10);

    private final Optional<String> pem;
    private final Optional<String> location;
    private final String issuer;
    private final String service;
    private final java.util.concurrent.ConcurrentHashMap<Integer, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    private record Cached(String token, Instant refreshAt) {
    }

    public ServiceTokens(@ConfigProperty(name = "hartonomous.service-token.private-key") Optional<String> pem,
                         @ConfigProperty(name = "hartonomous.service-token.private-key-location") Optional<String> location,
                         @ConfigProperty(name = "mp.jwt.verify.issuer", defaultValue = "hartonomous") String issuer,
                         @ConfigProperty(name = "quarkus.application.name") String service) {
        this.pem = pem;
        this.location = location;
        this.issuer = issuer;
        this.service = service;
    }

    public boolean configured() {
        return pem.isPresent() || location.isPresent();
    }

    /** A bearer token of this service acting for {@code tenant} (role {@code service}). */
    public String token(int tenant) {
        Cached cached = cache.get(tenant);
        if (cached == null || Instant.now().isAfter(cached.refreshAt())) {
            cached = new Cached(new JwtSigner(key(), issuer).sign(tenant, service, List.of(Roles.SERVICE), LIFETIME),
                    Instant.now().plus(LIFETIME).minusSeconds(60));
            cache.put(tenant, cached);
        }
        return cached.token();
    }

    private PrivateKey key() {
        if (pem.isPresent()) {
            return PemKeys.privateKey(pem.get());
        }
        String file = location.orElseThrow(() -> new IllegalStateException(
                "no service signing key: set hartonomous.service-token.private-key(-location)"));
        try {
            return PemKeys.privateKey(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service signing key " + file, e);
        }
    }
}
