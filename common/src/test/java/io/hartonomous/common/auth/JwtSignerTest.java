package io.hartonomous.common.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtSignerTest {

    private static final String BASE64URL = "[A-Za-z0-9_-]+";

    private final KeyPair keys = PemKeys.generateRsa();
    private final JwtSigner signer = new JwtSigner(keys.getPrivate(), "hartonomous");
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void producesThreeUnpaddedBase64UrlParts() {
        String token = signer.sign(7, "user-7", List.of("search"), Duration.ofMinutes(5));

        String[] parts = token.split("\\.", -1);
        assertThat(parts).hasSize(3);
        assertThat(parts).allSatisfy(p -> assertThat(p).matches(BASE64URL));
    }

    @Test
    void headerNamesRs256() throws Exception {
        String token = signer.sign(7, "user-7", List.of(), Duration.ofMinutes(5));

        JsonNode header = decode(token, 0);

        assertThat(header.get("alg").asText()).isEqualTo("RS256");
        assertThat(header.get("typ").asText()).isEqualTo("JWT");
    }

    @Test
    void claimsCarryIssuerSubjectGroupsTenantAndLifetime() throws Exception {
        long before = Instant.now().getEpochSecond();
        String token = signer.sign(7, "user-7", List.of("search", "ingest"), Duration.ofMinutes(5));

        JsonNode claims = decode(token, 1);

        assertThat(claims.get("iss").asText()).isEqualTo("hartonomous");
        assertThat(claims.get("sub").asText()).isEqualTo("user-7");
        assertThat(claims.get("upn").asText()).isEqualTo("user-7");
        assertThat(claims.get("groups")).extracting(JsonNode::asText).containsExactly("search", "ingest");
        assertThat(claims.get("tenant").isIntegralNumber()).isTrue();
        assertThat(claims.get("tenant").asInt()).isEqualTo(7);
        long iat = claims.get("iat").asLong();
        long exp = claims.get("exp").asLong();
        assertThat(iat).isBetween(before, Instant.now().getEpochSecond());
        assertThat(exp).isGreaterThan(iat).isEqualTo(iat + 300);
        assertThat(claims.get("jti").asText()).isNotBlank();
    }

    @Test
    void omitsTenantWhenNull() throws Exception {
        JsonNode claims = decode(signer.sign(null, "svc", List.of("service"), Duration.ofMinutes(1)), 1);

        assertThat(claims.has("tenant")).isFalse();
    }

    @Test
    void givesEachTokenAUniqueId() throws Exception {
        String a = signer.sign(7, "u", List.of(), Duration.ofMinutes(1));
        String b = signer.sign(7, "u", List.of(), Duration.ofMinutes(1));

        assertThat(decode(a, 1).get("jti").asText()).isNotEqualTo(decode(b, 1).get("jti").asText());
    }

    @Test
    void signatureVerifiesWithThePublicKey() throws Exception {
        String token = signer.sign(7, "user-7", List.of("search"), Duration.ofMinutes(5));

        assertThat(verifies(token, keys.getPublic())).isTrue();
    }

    @Test
    void signatureDoesNotVerifyWithAnotherKey() throws Exception {
        String token = signer.sign(7, "user-7", List.of("search"), Duration.ofMinutes(5));

        assertThat(verifies(token, PemKeys.generateRsa().getPublic())).isFalse();
    }

    @Test
    void signatureDoesNotVerifyWhenClaimsAreTamperedWith() throws Exception {
        String token = signer.sign(7, "user-7", List.of("search"), Duration.ofMinutes(5));
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"tenant\":8}".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertThat(verifies(forged, keys.getPublic())).isFalse();
    }

    @Test
    void escapesHostileSubjectIntoValidJson() throws Exception {
        String subject = "a\"b\\c\nd\te\u0000f\u001fg\u007f</script>ü€😀";
        String role = "r\"ole\\";

        JsonNode claims = decode(signer.sign(7, subject, List.of(role), Duration.ofMinutes(1)), 1);

        assertThat(claims.get("sub").asText()).isEqualTo(subject);
        assertThat(claims.get("upn").asText()).isEqualTo(subject);
        assertThat(claims.get("groups").get(0).asText()).isEqualTo(role);
    }

    @Test
    void hostileIssuerCannotInjectClaims() throws Exception {
        JwtSigner evil = new JwtSigner(keys.getPrivate(), "x\",\"tenant\":1,\"y\":\"");

        JsonNode claims = decode(evil.sign(7, "u", List.of(), Duration.ofMinutes(1)), 1);

        assertThat(claims.get("iss").asText()).isEqualTo("x\",\"tenant\":1,\"y\":\"");
        assertThat(claims.get("tenant").asInt()).isEqualTo(7);
    }

    @Test
    void signsArbitraryClaimsVerbatim() throws Exception {
        String token = signer.sign("{\"tenant\":\"not-a-number\"}");

        assertThat(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
                .isEqualTo("{\"tenant\":\"not-a-number\"}");
        assertThat(verifies(token, keys.getPublic())).isTrue();
    }

    @Test
    void quotesControlCharactersAsUnicodeEscapes() {
        assertThat(JwtSigner.quote("a\"\\\n\u0001")).isEqualTo("\"a\\\"\\\\\\u000a\\u0001\"");
    }

    @Test
    void requiresKeyAndIssuer() {
        assertThatThrownBy(() -> new JwtSigner(null, "i")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new JwtSigner(keys.getPrivate(), null)).isInstanceOf(NullPointerException.class);
    }

    private JsonNode decode(String token, int part) throws Exception {
        return mapper.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[part]));
    }

    private static boolean verifies(String token, PublicKey key) throws Exception {
        int lastDot = token.lastIndexOf('.');
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        return rsa.verify(Base64.getUrlDecoder().decode(token.substring(lastDot + 1)));
    }
}
