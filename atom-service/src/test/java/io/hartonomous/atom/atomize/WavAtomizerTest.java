package io.hartonomous.atom.atomize;

import io.hartonomous.atom.atomize.audio.WavAtomizer;
import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WavAtomizerTest {

    private final WavAtomizer wav = new WavAtomizer();

    @Test
    void roundTripsGeneratedPcmAndSplitsDataIntoFrames() throws Exception {
        byte[] stereo16 = sine(new AudioFormat(44_100, 16, 2, true, false), 20_000);
        var result = TestingTrees.atomize(wav, "tone.wav", stereo16);
        assertThat(result.nodes()).filteredOn(n -> "frame".equals(n.subtype())).allMatch(n -> n.length() == 4).isNotEmpty();
        assertThat(result.nodes()).anyMatch(n -> "chunk-header".equals(n.subtype()));
        // frames carry their time position and first sample on the group edges
        var positioned = result.nodes().stream().filter(n -> n instanceof AtomNode.Composite c && "group".equals(c.subtype()))
                .flatMap(n -> ((AtomNode.Composite) n).children().stream()).filter(e -> e.position().x() != null).findFirst();
        assertThat(positioned).isPresent();
        assertThat(positioned.get().position().m()).isNotNull();

        TestingTrees.atomize(wav, "mono8.wav", sine(new AudioFormat(8_000, 8, 1, false, false), 3_001));
        TestingTrees.atomize(wav, "24.wav", sine(new AudioFormat(48_000, 24, 2, true, false), 5_000));
    }

    @Test
    void silenceDeduplicatesIntoFewAtoms() throws Exception {
        AudioFormat format = new AudioFormat(44_100, 16, 2, true, false);
        byte[] silence = write(format, new byte[44_100 * 4 * 5]); // five seconds
        var result = TestingTrees.atomize(wav, "silence.wav", silence);
        long distinct = result.byHash().size();
        assertThat(distinct).isLessThan(40);
    }

    @Test
    void dataChunkClaimingMoreThanTheFileIsClampedAndRoundTrips() throws Exception {
        byte[] file = sine(new AudioFormat(22_050, 16, 1, true, false), 2_000);
        int data = indexOf(file, "data");
        ByteBuffer.wrap(file, data + 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0xffff_fff0); // ~4 G "frames"
        ByteBuffer.wrap(file, 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(7); // RIFF size lies too
        var result = TestingTrees.atomize(wav, "lying.wav", file);
        assertThat(result.nodes()).anyMatch(n -> "frame".equals(n.subtype()));
    }

    @Test
    void fmtClaimingZeroChannelsKeepsSamplesAsOpaqueBytes() throws Exception {
        byte[] file = sine(new AudioFormat(22_050, 16, 2, true, false), 2_000);
        int fmt = indexOf(file, "fmt ");
        file[fmt + 10] = 0;
        file[fmt + 11] = 0;
        var result = TestingTrees.atomize(wav, "zero.wav", file);
        assertThat(result.nodes()).noneMatch(n -> "frame".equals(n.subtype()));
    }

    @Test
    void oddTrailingBytesPartialFramesAndCutHeadersAreKept() throws Exception {
        byte[] file = sine(new AudioFormat(22_050, 16, 2, true, false), 1_000);
        int data = indexOf(file, "data");
        // data size 3 bytes short of the frames: a partial last frame, then an odd pad byte
        int size = ByteBuffer.wrap(file, data + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ByteBuffer.wrap(file, data + 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(size - 3);
        byte[] extra = Arrays.copyOf(file, file.length + 5); // then a partial chunk header
        extra[file.length] = 'L';
        TestingTrees.atomize(wav, "odd.wav", extra);
        TestingTrees.atomize(wav, "cut.wav", Arrays.copyOf(file, 40));
        TestingTrees.atomize(wav, "riffonly.wav", Arrays.copyOf(file, 12));
        byte[] noise = new byte[3000];
        new Random(9).nextBytes(noise);
        System.arraycopy(file, 0, noise, 0, 12);
        TestingTrees.atomize(wav, "noise.wav", noise);
    }

    @Test
    void scoresRiffWaveSignatureNotName() throws Exception {
        byte[] file = sine(new AudioFormat(8_000, 16, 1, true, false), 100);
        assertThat(wav.score(new Sniff("x.bin", file, file.length))).isGreaterThanOrEqualTo(80);
        assertThat(wav.score(new Sniff("x.wav", "RIFF but not wave".getBytes(StandardCharsets.US_ASCII), 17))).isZero();
        assertThat(new Atomizers().choose(new Sniff("x.bin", file, file.length))).isInstanceOf(WavAtomizer.class);
    }

    @Test
    void isDeterministic() throws Exception {
        byte[] file = sine(new AudioFormat(16_000, 16, 1, true, false), 8_000);
        var a = TestingTrees.atomize(wav, "a.wav", file);
        var b = TestingTrees.atomize(wav, "a.wav", file);
        assertThat(a.nodes().stream().map(WavAtomizerTest::identity).toList())
                .isEqualTo(b.nodes().stream().map(WavAtomizerTest::identity).toList());
    }

    /** A node's hash, and for a composite its edges with their positions. */
    private static Object identity(AtomNode n) {
        return n instanceof AtomNode.Composite c ? java.util.List.of(c.hash(), c.children()) : n.hash();
    }

    private static byte[] sine(AudioFormat format, int frames) throws Exception {
        int bytes = format.getSampleSizeInBits() / 8;
        byte[] pcm = new byte[frames * format.getFrameSize()];
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < format.getChannels(); c++) {
                long v = Math.round(Math.sin(f * 0.05 * (c + 1)) * ((1L << (bytes * 8 - 1)) - 1));
                if (!format.getEncoding().equals(AudioFormat.Encoding.PCM_SIGNED)) {
                    v += 1L << (bytes * 8 - 1);
                }
                for (int k = 0; k < bytes; k++) {
                    pcm[(f * format.getChannels() + c) * bytes + k] = (byte) (v >>> (8 * k));
                }
            }
        }
        return write(format, pcm);
    }

    private static byte[] write(AudioFormat format, byte[] pcm) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format, pcm.length / format.getFrameSize()),
                AudioFileFormat.Type.WAVE, out);
        return out.toByteArray();
    }

    private static int indexOf(byte[] file, String id) {
        byte[] needle = id.getBytes(StandardCharsets.US_ASCII);
        for (int i = 12; i + 4 <= file.length; i++) {
            if (Arrays.equals(file, i, i + 4, needle, 0, 4)) {
                return i;
            }
        }
        throw new AssertionError(id + " not found");
    }
}
