package io.memstream.dedup.sink;

import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** What every Postgres sink needs besides its own table: offsets, transactions, dead letters, a probe. */
@Component
record SinkSupport(
        SinkOffsets offsets,
        TransactionTemplate transactions,
        DeadLetterPublishingRecoverer deadLetters,
        DatabaseProbe database) {}
