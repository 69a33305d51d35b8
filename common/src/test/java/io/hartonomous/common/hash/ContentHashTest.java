package io.hartonomous.common.hash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentHashTest {

    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void hashesEmptyContentToKnownVector() {
        assertThat(ContentHash.sha256(new byte[0]).hex()).isEqualTo(EMPTY);
    }

    @Test
    void hashesAbcToKnownVector() {
        assertThat(ContentHash.sha256("abc".getBytes(StandardCharsets.US_ASCII)).hex()).isEqualTo(ABC);
    }

    @Test
    void hashesOnlyTheGivenSliceOfAnArray() {
        byte[] padded = "xxabcyy".getBytes(StandardCharsets.US_ASCII);

        assertThat(ContentHash.sha256(padded, 2, 3).hex()).isEqualTo(ABC);
    }

    @Test
    void eachCallHashesOnlyItsOwnBytesThoughTheThreadKeepsOneDigest() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] padded = "xxabcyy".getBytes(StandardCharsets.US_ASCII);

        assertThat(ContentHash.sha256(abc).hex()).isEqualTo(ABC);
        assertThat(ContentHash.sha256(new byte[0]).hex()).isEqualTo(EMPTY);
        // a call refused for its bounds leaves nothing behind for the next one
        assertThatThrownBy(() -> ContentHash.sha256(padded, 5, 9)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> ContentHash.sha256(padded, -1, 3)).isInstanceOf(RuntimeException.class);
        assertThat(ContentHash.sha256(abc).hex()).isEqualTo(ABC);
        assertThat(ContentHash.sha256(padded, 2, 3).hex()).isEqualTo(ABC);
    }

    @Test
    void threadsHashingAtOnceEachGetTheirOwnResult() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                byte[] content = ("thread " + t).getBytes(StandardCharsets.US_ASCII);
                String expected = Sha256.of(new java.io.ByteArrayInputStream(content)).hex();
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        if (!ContentHash.sha256(content).hex().equals(expected)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void toStringIsLowerCaseHex() {
        ContentHash hash = ContentHash.parse(ABC);

        assertThat(hash.toString()).isEqualTo(ABC).isEqualTo(hash.hex());
    }

    @Test
    void parseAndHexRoundTrip() {
        ContentHash hash = ContentHash.parse(ABC);

        assertThat(ContentHash.parse(hash.hex())).isEqualTo(hash);
        assertThat(hash.bytes()).isEqualTo(HexFormat.of().parseHex(ABC));
    }

    @Test
    void acceptsUpperCaseHex() {
        ContentHash upper = ContentHash.parse(ABC.toUpperCase());

        assertThat(upper).isEqualTo(ContentHash.parse(ABC));
        assertThat(upper.hex()).isEqualTo(ABC);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", EMPTY + "0", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"})
    void rejectsHexOfWrongLength(String hex) {
        assertThatThrownBy(() -> ContentHash.parse(hex))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 ",
            "-3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8é5"})
    void rejectsNonHexCharacters(String hex) {
        assertThatThrownBy(() -> ContentHash.parse(hex))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a hex digest");
    }

    @Test
    void rejectsDigestOfWrongLength() {
        assertThatThrownBy(() -> ContentHash.of(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContentHash.of(new byte[33])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ofCopiesItsInput() {
        byte[] digest = HexFormat.of().parseHex(ABC);
        ContentHash hash = ContentHash.of(digest);

        Arrays.fill(digest, (byte) 0);

        assertThat(hash.hex()).isEqualTo(ABC);
    }

    @Test
    void bytesReturnsACopy() {
        ContentHash hash = ContentHash.parse(ABC);

        hash.bytes()[0] = 0;

        assertThat(hash.hex()).isEqualTo(ABC);
    }

    @Test
    void equalDigestsAreEqualAndHashAlike() {
        ContentHash a = ContentHash.parse(ABC);
        ContentHash b = ContentHash.of(HexFormat.of().parseHex(ABC));

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.compareTo(b)).isZero();
        assertThat(a).isNotEqualTo(ContentHash.parse(EMPTY)).isNotEqualTo(ABC).isNotEqualTo(null);
    }

    @Test
    void hashCodeIsTheFirstFourBytesBigEndian() {
        assertThat(ContentHash.parse(ABC).hashCode()).isEqualTo(0xba7816bf);
    }

    @Test
    void ordersDigestsAsUnsignedBytes() {
        ContentHash zero = ContentHash.of(new byte[32]);
        byte[] low = new byte[32];
        low[0] = 0x7f;
        byte[] high = new byte[32];
        high[0] = (byte) 0x80;
        byte[] max = new byte[32];
        Arrays.fill(max, (byte) 0xff);
        byte[] lastByte = new byte[32];
        lastByte[31] = 1;

        List<ContentHash> sorted = new ArrayList<>(List.of(ContentHash.of(max), ContentHash.of(high),
                ContentHash.of(low), ContentHash.of(lastByte), zero));
        Collections.sort(sorted);

        assertThat(sorted).containsExactly(zero, ContentHash.of(lastByte), ContentHash.of(low),
                ContentHash.of(high), ContentHash.of(max));
        assertThat(ContentHash.of(high).compareTo(ContentHash.of(low))).isPositive();
        assertThat(ContentHash.of(low).compareTo(ContentHash.of(high))).isNegative();
    }
}
