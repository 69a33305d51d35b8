package io.hartonomous.bench;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The command that reproduces this run: the bench's build-and-run command with every
 * {@code -Dbench.*} property this run was given, after the service settings
 * ({@code HARTONOMOUS_*} environment variables) it inherited. A figure printed without the
 * options that produced it cannot be reproduced.
 */
final class Reproduce {

    private Reproduce() {
    }

    /** {@code command} with this run's environment and {@code -Dbench.*} options. */
    static String command(String command) {
        return command(command, System.getenv(), System.getProperties());
    }

    static String command(String command, Map<String, String> env, Properties properties) {
        StringBuilder line = new StringBuilder();
        new TreeMap<>(env).forEach((k, v) -> {
            if (k.startsWith("HARTONOMOUS_")) {
                line.append(k).append('=').append(quote(v)).append(' ');
            }
        });
        int and = command.lastIndexOf("&& ");
        // the settings belong to the run, not to the build before it
        String run = and < 0 ? command : command.substring(and + 3);
        String build = and < 0 ? "" : command.substring(0, and + 3);
        StringBuilder options = new StringBuilder();
        new TreeSet<>(properties.stringPropertyNames()).stream().filter(k -> k.startsWith("bench."))
                .forEach(k -> options.append(" -D").append(k).append('=').append(quote(properties.getProperty(k))));
        return build + line + run + options;
    }

    private static String quote(String value) {
        return value.matches("[A-Za-z0-9_.,:/=+-]*") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
