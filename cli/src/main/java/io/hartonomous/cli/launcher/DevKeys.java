package io.hartonomous.cli.launcher;

import io.hartonomous.common.auth.PemKeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;

/**
 * The local dev signing key: generated on the first {@code up} into {@code .hartonomous/keys}
 * (git-ignored, owner-only), never committed. Services verify with its public half.
 */
public final class DevKeys {

    private DevKeys() {
    }

    public static synchronized void ensure(Home home) throws IOException {
        home.create();
        if (Files.exists(home.privateKey()) && Files.exists(home.publicKey())) {
            return;
        }
        KeyPair pair = PemKeys.generateRsa();
        Files.writeString(home.publicKey(), PemKeys.toPem(pair.getPublic()), StandardCharsets.US_ASCII);
        Files.writeString(home.privateKey(), PemKeys.toPem(pair.getPrivate()), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(home.privateKey(), PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    public static PrivateKey privateKey(Home home) throws IOException {
        if (!Files.exists(home.privateKey())) {
            throw new IOException("no dev key yet in " + home.keys() + ": run ./hartonomous up first");
        }
        return PemKeys.privateKey(Files.readString(home.privateKey(), StandardCharsets.US_ASCII));
    }
}
