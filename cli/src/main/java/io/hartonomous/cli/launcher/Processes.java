package io.hartonomous.cli.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Finding and stopping processes the launcher started, by pid, without killing strangers. */
public final class Processes {

    private Processes() {
    }

    /**
     * The live process with this pid, if its command line contains {@code marker} (so a pid the
     * OS recycled for an unrelated program is left alone). A process whose command line cannot
     * be read is trusted only when the marker is empty.
     */
    public static Optional<ProcessHandle> find(long pid, String marker) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> {
            String commandLine = p.info().commandLine().orElse(p.info().command().orElse(""));
            return marker.isEmpty() || commandLine.contains(marker);
        });
    }

    public static boolean alive(long pid, String marker) {
        return find(pid, marker).isPresent();
    }

    /**
     * Asks the process (and its descendants) to stop with SIGTERM, waits up to {@code grace},
     * then kills what is left. Returns true when nothing is left running.
     */
    public static boolean stop(ProcessHandle process, Duration grace) {
        var descendants = process.descendants().toList();
        process.destroy();
        Instant deadline = Instant.now().plus(grace);
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            sleep(100);
        }
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        Instant hardDeadline = Instant.now().plusSeconds(10);
        while ((process.isAlive() || descendants.stream().anyMatch(ProcessHandle::isAlive))
                && Instant.now().isBefore(hardDeadline)) {
            sleep(50);
        }
        return !process.isAlive() && descendants.stream().noneMatch(ProcessHandle::isAlive);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
