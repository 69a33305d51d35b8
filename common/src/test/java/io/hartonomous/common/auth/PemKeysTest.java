package io.hartonomous.common.auth;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemKeysTest {

    private final KeyPair keys = PemKeys.generateRsa();

    @Test
    void generatesA2048BitRsaPair() {
        assertThat(keys.getPublic().getAlgorithm()).isEqualTo("RSA");
        assertThat(((RSAPublicKey) keys.getPublic()).getModulus().bitLength()).isEqualTo(2048);
    }

    @Test
    void privateKeyRoundTripsThroughPkcs8Pem() {
        String pem = PemKeys.toPem(keys.getPrivate());

        PrivateKey read = PemKeys.privateKey(pem);

        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
        assertThat(read.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(read).isEqualTo(keys.getPrivate());
    }

    @Test
    void publicKeyRoundTripsThroughX509Pem() {
        String pem = PemKeys.toPem(keys.getPublic());

        PublicKey read = PemKeys.publicKey(pem);

        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("\n-----END PUBLIC KEY-----\n");
        assertThat(read).isEqualTo(keys.getPublic());
    }

    @Test
    void wrapsPemBodyAtSixtyFourColumns() {
        String pem = PemKeys.toPem(keys.getPublic());

        assertThat(pem.lines().filter(l -> !l.startsWith("-----"))).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(64));
    }

    @Test
    void readsPemWithWindowsLineEndingsAndSurroundingWhitespace() {
        String pem = "\n  " + PemKeys.toPem(keys.getPublic()).replace("\n", "\r\n") + "  \n";

        assertThat(PemKeys.publicKey(pem)).isEqualTo(keys.getPublic());
    }

    @Test
    void rejectsAPublicKeyWhereAPrivateKeyIsExpected() {
        String publicPem = PemKeys.toPem(keys.getPublic());

        assertThatThrownBy(() -> PemKeys.privateKey(publicPem)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> PemKeys.publicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PemKeys.publicKey("not base64 !"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
