package io.hartonomous.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReproduceTest {

    @Test
    void theRunsOptionsAndServiceSettingsFollowTheCommand() {
        Properties properties = new Properties();
        properties.setProperty("bench.textMB", "4");
        properties.setProperty("bench.corpora", "text,java");
        properties.setProperty("bench.pg.log_line_prefix", "%m [%p] ");
        properties.setProperty("user.home", "/root");
        String line = Reproduce.command("./mvnw install && ./mvnw -pl bench exec:java",
                Map.of("HARTONOMOUS_ATOM_INGEST_SHARED_WRITES", "false", "PATH", "/usr/bin"), properties);
        assertEquals("./mvnw install && HARTONOMOUS_ATOM_INGEST_SHARED_WRITES=false ./mvnw -pl bench exec:java"
                + " -Dbench.corpora=text,java -Dbench.pg.log_line_prefix='%m [%p] ' -Dbench.textMB=4", line);
    }

    @Test
    void aDefaultRunIsTheCommandItself() {
        assertEquals("./mvnw -pl bench exec:java", Reproduce.command("./mvnw -pl bench exec:java", Map.of(), new Properties()));
    }
}
