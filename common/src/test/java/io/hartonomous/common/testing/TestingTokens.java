package io.hartonomous.common.testing;

import io.hartonomous.common.auth.JwtSigner;
import io.hartonomous.common.auth.PemKeys;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

/**
 * Tokens for tests, signed by a key pair generated once per test JVM (no key is committed).
 * {@link TestingPostgresResource} hands the public half to the service under test.
 */
public final class TestingTokens {

    public static final String ISSUER = "hartonomous";
    private static final KeyPair KEYS = PemKeys.generateRsa();
    private static final KeyPair FOREIGN_KEYS = PemKeys.generateRsa();

    private TestingTokens() {
    }

    public static String publicKeyPem() {
        return PemKeys.toPem(KEYS.getPublic());
    }

    /** The trusted private key, for services that mint their own service tokens in tests. */
    public static String privateKeyPem() {
        return PemKeys.toPem(KEYS.getPrivate());
    }

    public static String token(int tenant, String... roles) {
        return new JwtSigner(KEYS.getPrivate(), ISSUER).sign(tenant, "user-" + tenant, List.of(roles), Duration.ofHours(1));
    }

    /** A well-formed token signed by a key the services do not trust. */
    public static String foreignToken(int tenant, String... roles) {
        return new JwtSigner(FOREIGN_KEYS.getPrivate(), ISSUER).sign(tenant, "intruder", List.of(roles), Duration.ofHours(1));
    }

    /** A token signed by the trusted key with arbitrary claims. */
    public static String tokenWithClaims(String claimsJson) {
        return new JwtSigner(KEYS.getPrivate(), ISSUER).sign(claimsJson);
    }

    public static String expiredToken(int tenant, String... roles) {
        return new JwtSigner(KEYS.getPrivate(), ISSUER).sign(tenant, "user-" + tenant, List.of(roles), Duration.ofHours(-2));
    }
}
