package io.hartonomous.cli.atom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The system's GNU tar, as an independent reader of the archives the cli writes. */
final class TestingTar {

    private TestingTar() {
    }

    /** {@code tar -tf}: the entry names, in archive order. */
    static List<String> list(Path archive) throws IOException, InterruptedException {
        String out = run("tar", "--quoting-style=literal", "-tf", archive.toString());
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** {@code tar -xf} into {@code dir}. */
    static void extract(Path archive, Path dir) throws IOException, InterruptedException {
        run("tar", "-xf", archive.toString(), "-C", dir.toString());
    }

    /** Runs a command that must succeed; its stdout. */
    static String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command)));
        // names are UTF-8 in pax headers: a UTF-8 locale keeps tar from re-encoding or escaping them
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
