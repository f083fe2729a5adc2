package io.memstream.dedup.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

class WriteFailuresTest {

    private static SQLException postgres(String state, String message) {
        return new SQLException(message, state);
    }

    @Test
    void dataPostgresRefusesIsTheRecordsFault() {
        assertThat(WriteFailures.blameTheRecord(new DataIntegrityViolationException(
                        "insert", postgres("22008", "ERROR: timestamp out of range"))))
                .isTrue();
        assertThat(WriteFailures.blameTheRecord(new DataIntegrityViolationException(
                        "insert", postgres("22021", "ERROR: invalid byte sequence for encoding \"UTF8\": 0x00"))))
                .isTrue();
        assertThat(WriteFailures.blameTheRecord(
                        new DataIntegrityViolationException("insert", postgres("23514", "ERROR: check violated"))))
                .isTrue();
        assertThat(WriteFailures.blameTheRecord(new DataIntegrityViolationException(
                        "insert", postgres("54000", "ERROR: index row size exceeds maximum"))))
                .isTrue();
    }

    @Test
    void aLostConnectionIsTheDatabasesFaultThoughSpringCallsItNonTransient() {
        assertThat(WriteFailures.blameTheRecord(new DataAccessResourceFailureException(
                        "insert", postgres("08006", "An I/O error occurred while sending to the backend"))))
                .isFalse();
        assertThat(WriteFailures.blameTheRecord(new CannotGetJdbcConnectionException("no connection")))
                .isFalse();
        assertThat(WriteFailures.blameTheRecord(new CannotCreateTransactionException(
                        "no connection", postgres("08001", "The connection attempt failed."))))
                .isFalse();
    }

    @Test
    void aBusyOrMisconfiguredDatabaseIsNotTheRecordsFault() {
        assertThat(WriteFailures.blameTheRecord(
                        new CannotAcquireLockException("insert", postgres("40P01", "ERROR: deadlock detected"))))
                .isFalse();
        assertThat(WriteFailures.blameTheRecord(new DataAccessResourceFailureException(
                        "insert", postgres("57P01", "FATAL: terminating connection due to administrator command"))))
                .isFalse();
        assertThat(WriteFailures.blameTheRecord(new BadSqlGrammarException(
                        "insert", "INSERT ...", postgres("42P01", "ERROR: relation \"facts\" does not exist"))))
                .isFalse();
    }

    @Test
    void aValueThatCannotEvenBeBoundIsTheRecordsFault() {
        IllegalArgumentException javaOverflow = new IllegalArgumentException(new ArithmeticException("long overflow"));
        assertThat(WriteFailures.blameTheRecord(javaOverflow)).isTrue();
        assertThat(WriteFailures.reason(javaOverflow)).contains("long overflow");
    }

    @Test
    void theReasonIsPostgresOwnWordsForTheStatementThatFailed() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT ... was aborted", "22008", null);
        batch.setNextException(postgres("22008", "ERROR: timestamp out of range"));

        assertThat(WriteFailures.reason(new DataIntegrityViolationException("PreparedStatementCallback", batch)))
                .isEqualTo("ERROR: timestamp out of range");
    }

    @Test
    void anInstantPostgresCannotHoldIsRefusedNamingTheField() {
        assertThatThrownBy(() -> Timestamps.of("created_at", Instant.parse("+300000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("created_at")
                .hasMessageContaining("+300000")
                .satisfies(e -> assertThat(WriteFailures.blameTheRecord(e)).isTrue());
        assertThat(Timestamps.of("created_at", Timestamps.LATEST)).isNotNull();
    }
}
