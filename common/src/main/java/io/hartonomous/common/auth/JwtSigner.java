package io.hartonomous.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints RS256 JWTs in the shape the services verify: issuer, subject ({@code sub}, {@code upn}),
 * roles in {@code groups}, the tenant in {@code tenant}, issued-at, expiry and a unique {@code jti}.
 * Used by the cli ({@code hartonomous token}), by tests, and for service tokens. Plain Java.
 */
public final class JwtSigner {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String issuer;

    public JwtSigner(PrivateKey key, String issuer) {
        this.key = Objects.requireNonNull(key, "key");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    /**
     * @param tenant   the tenant id (positive), or {@code null} for a token without tenant
     * @param subject  who the token stands for
     * @param roles    roles for the {@code groups} claim
     * @param lifetime how long the token is valid from now
     */
    public String sign(Integer tenant, String subject, Collection<String> roles, Duration lifetime) {
        Instant now = Instant.now();
        StringBuilder claims = new StringBuilder(256).append('{');
        claims.append("\"iss\":").append(quote(issuer));
        claims.append(",\"sub\":").append(quote(subject));
        claims.append(",\"upn\":").append(quote(subject));
        claims.append(",\"groups\":[");
        int i = 0;
        for (String role : roles) {
            claims.append(i++ == 0 ? "" : ",").append(quote(role));
        }
        claims.append(']');
        if (tenant != null) {
            claims.append(",\"tenant\":").append(tenant.intValue());
        }
        claims.append(",\"iat\":").append(now.getEpochSecond());
        claims.append(",\"exp\":").append(now.plus(lifetime).getEpochSecond());
        claims.append(",\"jti\":").append(quote(UUID.randomUUID().toString()));
        claims.append('}');
        return sign(claims.toString());
    }

    /** Signs an arbitrary claims JSON object (for tests of malformed claims). */
    public String sign(String claimsJson) {
        String header = B64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = B64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        String signingInput = header + "." + payload;
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
