package io.hartonomous.cli.search;

import io.hartonomous.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SearchCommandTest {

    @Test
    void searchEncodesQueryModeAndModality() {
        CommandLine cli = new CommandLine(new Main());
        CommandLine.ParseResult parsed = cli.parseArgs("search", "how do I list files?", "--mode", "bm25", "--modality", "text,code",
                "-k", "5", "--token", "t");
        SearchCommand search = (SearchCommand) parsed.subcommand().commandSpec().userObject();
        search.env = Map.<String, String>of()::get;

        HttpRequest request = search.request();

        assertThat(request.uri().toString()).isEqualTo("http://localhost:8082/api/v1/search?q=how+do+I+list+files%3F"
                + "&mode=bm25&k=5&modality=text%2Ccode");
        assertThat(request.headers().firstValue("Authorization")).contains("Bearer t");
    }

    @Test
    void defaultsToHybridAndTheEnvironment() {
        CommandLine cli = new CommandLine(new Main());
        SearchCommand search = (SearchCommand) cli.parseArgs("search", "x").subcommand().commandSpec().userObject();
        search.env = Map.of("HARTONOMOUS_SEARCH_URL", "http://s:1/", "HARTONOMOUS_TOKEN", "env")::get;

        assertThat(search.request().uri().toString()).isEqualTo("http://s:1/api/v1/search?q=x&mode=hybrid&k=10");
    }
}
