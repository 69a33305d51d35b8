package io.hartonomous.common.hash;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Test {

    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void finishingWithoutInputGivesTheEmptyDigest() {
        assertThat(new Sha256().finish().hex()).isEqualTo(EMPTY);
    }

    @Test
    void hashesAbcToKnownVector() {
        assertThat(new Sha256().update("abc".getBytes(StandardCharsets.US_ASCII)).finish().hex()).isEqualTo(ABC);
    }

    @Test
    void streamingInOddChunksEqualsOneShot() {
        byte[] content = randomBytes(1_000_003, 1);
        Sha256 sha = new Sha256();
        int[] chunkSizes = {1, 3, 7, 63, 64, 65, 4093, 1};
        int offset = 0;
        for (int i = 0; offset < content.length; i++) {
            int n = Math.min(chunkSizes[i % chunkSizes.length], content.length - offset);
            sha.update(content, offset, n);
            offset += n;
        }

        assertThat(sha.length()).isEqualTo(content.length);
        assertThat(sha.finish()).isEqualTo(ContentHash.sha256(content));
    }

    @Test
    void byteBufferChunksEqualOneShotAndAreCounted() {
        byte[] content = randomBytes(10_001, 2);
        Sha256 sha = new Sha256();
        sha.update(ByteBuffer.wrap(content, 0, 5));
        sha.update(ByteBuffer.allocateDirect(9_996).put(content, 5, 9_996).flip());

        assertThat(sha.length()).isEqualTo(10_001);
        assertThat(sha.finish()).isEqualTo(ContentHash.sha256(content));
    }

    @Test
    void finishResetsForANewStream() {
        Sha256 sha = new Sha256().update(new byte[]{1, 2, 3});
        sha.finish();

        assertThat(sha.length()).isZero();
        assertThat(sha.update("abc".getBytes(StandardCharsets.US_ASCII)).finish().hex()).isEqualTo(ABC);
    }

    @Test
    void hashesAMultiMegabyteStreamLikeMessageDigest() throws Exception {
        byte[] content = randomBytes(5 * 1024 * 1024 + 17, 3);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(content);

        assertThat(Sha256.of(new ByteArrayInputStream(content)).bytes()).isEqualTo(expected);
    }

    @Test
    void hashesAStreamThatReturnsShortReads() throws Exception {
        byte[] content = randomBytes(300_000, 4);
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(content)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 997));
            }
        };

        assertThat(Sha256.of(trickle)).isEqualTo(ContentHash.sha256(content));
    }

    @Test
    void hashesAnEmptyStream() throws Exception {
        assertThat(Sha256.of(InputStream.nullInputStream()).hex()).isEqualTo(EMPTY);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
