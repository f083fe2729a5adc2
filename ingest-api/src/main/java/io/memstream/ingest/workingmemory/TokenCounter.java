package io.memstream.ingest.workingmemory;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.springframework.stereotype.Component;

/**
 * Counts tokens with the cl100k_base encoding, offline. Each message also pays a small fixed cost
 * for its role and framing, as chat models do.
 */
@Component
class TokenCounter {

    static final int PER_MESSAGE_OVERHEAD = 4;

    private final Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    int message(MemoryMessage m) {
        return encoding.countTokens(m.content()) + PER_MESSAGE_OVERHEAD;
    }

    int text(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokens(text) + PER_MESSAGE_OVERHEAD;
    }
}
