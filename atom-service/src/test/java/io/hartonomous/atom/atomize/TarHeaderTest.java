package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.git.TarReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tar header checks every upload's sniffing runs: a head that is no tar is told apart without
 * an exception (sniffing asks of every upload whether it is a tar), and header numbers are read
 * or refused exactly.
 */
class TarHeaderTest {

    private static byte[] header(String name, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TestingTar.entry(out, name, '0', data);
        return Arrays.copyOf(out.toByteArray(), 512);
    }

    @Test
    void aRealHeaderIsATarAndTextIsNot() {
        assertTrue(TarReader.isTar(header("a.txt", "hello".getBytes(StandardCharsets.US_ASCII))));
        byte[] text = "The quick brown fox jumps over the lazy dog. ".repeat(20).getBytes(StandardCharsets.US_ASCII);
        assertFalse(TarReader.isTar(text));
        assertFalse(TarReader.isTar(new byte[511]));
        // binary noise where the checksum field is: neither octal nor base-256 in range
        byte[] noise = new byte[512];
        Arrays.fill(noise, (byte) 0xff);
        assertFalse(TarReader.isTar(noise));
    }

    @Test
    void aHeaderWhoseChecksumLiesIsNoTar() {
        byte[] h = header("a.txt", new byte[3]);
        h[0] = 'b'; // the name changed after the checksum was written
        assertFalse(TarReader.isTar(h));
    }

    @Test
    void numbersAreOctalOrBase256AndAnythingElseIsRefused() throws MalformedInputException {
        byte[] b = new byte[12];
        System.arraycopy("00000000017 ".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 12);
        assertEquals(15, TarReader.number(b, 0, 12));
        byte[] base256 = new byte[12];
        base256[0] = (byte) 0x80;
        base256[10] = 1;
        base256[11] = 2;
        assertEquals(258, TarReader.number(base256, 0, 12));

        byte[] notOctal = "0000009x   \0".getBytes(StandardCharsets.US_ASCII);
        MalformedInputException e = assertThrows(MalformedInputException.class, () -> TarReader.number(notOctal, 0, 12));
        assertTrue(e.getMessage().contains("malformed number"), e.getMessage());

        byte[] huge = new byte[12];
        Arrays.fill(huge, (byte) 0xff);
        e = assertThrows(MalformedInputException.class, () -> TarReader.number(huge, 0, 12));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        byte[] hugeOctal = "777777777777777777777777".getBytes(StandardCharsets.US_ASCII);
        e = assertThrows(MalformedInputException.class, () -> TarReader.number(hugeOctal, 0, 24));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }
}
