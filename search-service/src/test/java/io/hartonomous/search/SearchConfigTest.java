package io.hartonomous.search;

import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SearchConfigTest {

    @Test
    void defaults() {
        SearchConfig c = new SmallRyeConfigBuilder().withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter()).withMapping(SearchConfig.class).build().getConfigMapping(SearchConfig.class);
        assertThat(c.model().source()).isEqualTo("store");
        assertThat(c.model().name()).isEqualTo("all-minilm-l6-v2-q.onnx");
        assertThat(c.pipeline().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.pipeline().rootBatch()).isEqualTo(32);
        assertThat(c.pipeline().embedBatch()).isEqualTo(64);
        assertThat(c.pipeline().fullRescan()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.pipeline().sweepInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.embeddingComponents().enabled()).isFalse();
        assertThat(c.index().exactBelow()).isEqualTo(2000);
        assertThat(c.query().maxK()).isEqualTo(1000);
        assertThat(c.query().maxQueryChars()).isEqualTo(2048);
    }
}
