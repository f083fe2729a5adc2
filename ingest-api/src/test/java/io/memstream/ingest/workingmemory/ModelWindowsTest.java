package io.memstream.ingest.workingmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memstream.ingest.web.InvalidFieldException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ModelWindowsTest {

    @Test
    void anExplicitMaximumWinsOverTheModel() {
        assertThat(ModelWindows.resolve("gpt-4o", 500)).isEqualTo(500);
        assertThat(ModelWindows.resolve("gpt-4o", null)).isEqualTo(128_000);
        assertThat(ModelWindows.resolve(null, null)).isNull();
    }

    @Test
    void anUnknownModelNamesTheFieldAndTheKnownModels() {
        assertThatThrownBy(() -> ModelWindows.resolve("gpt-unknown", null))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("model_name")
                .hasMessageContaining("gpt-4o-mini");
    }

    @Test
    void tokensAreCountedWithCl100kPlusFramingPerMessage() {
        TokenCounter tokens = new TokenCounter();
        MemoryMessage hello = new MemoryMessage("user", "hello world", "m1", Instant.EPOCH, null, "f");
        // "hello world" is two cl100k tokens.
        assertThat(tokens.message(hello)).isEqualTo(2 + TokenCounter.PER_MESSAGE_OVERHEAD);
        assertThat(tokens.text(null)).isZero();
    }
}
