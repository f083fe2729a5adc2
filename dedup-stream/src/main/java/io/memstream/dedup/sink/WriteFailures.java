package io.memstream.dedup.sink;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.Set;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Whose fault a failed write is: the record's (no retry will ever store it) or the database's (it is
 * away, busy or misconfigured, and the write must wait for it). Spring's "non-transient" does not
 * tell them apart: a lost connection is a non-transient {@code DataAccessResourceFailureException}.
 *
 * <p>Postgres says whose fault it is in the SQLSTATE of its refusal. Classes 22 (data exception: a
 * timestamp out of range, a NUL byte, an escape jsonb cannot hold), 23 (a constraint) and 54 (a
 * program limit, such as a row too large for its index) refuse the data; every other class (08 a
 * connection, 40 a deadlock, 53 resources, 57 a shutdown, 42 a missing table) is about the database.
 * A failure with no SQLSTATE is the database's when it comes from the connection or transaction
 * machinery, and the record's when it was raised binding the record (a timestamp Java cannot
 * convert, JSON that cannot be written).
 */
final class WriteFailures {

    private static final Set<String> REFUSED_DATA = Set.of("22", "23", "54");

    private WriteFailures() {}

    static boolean blameTheRecord(Throwable failure) {
        SQLException refusal = refusal(failure);
        if (refusal != null) {
            return REFUSED_DATA.contains(refusal.getSQLState().substring(0, 2));
        }
        return !(failure instanceof DataAccessException || failure instanceof TransactionException);
    }

    /** What went wrong, in Postgres's words when it said something, on one line. */
    static String reason(Throwable failure) {
        return describe(failure).replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static String describe(Throwable failure) {
        SQLException refusal = refusal(failure);
        if (refusal != null) {
            return refusal.getMessage();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = failure.getMessage();
        if (root != failure && root.getMessage() != null) {
            message = message == null ? root.getMessage() : message + ": " + root.getMessage();
        }
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** The innermost SQLException with a SQLSTATE; a batch's own exception defers to the statement's. */
    private static SQLException refusal(Throwable failure) {
        SQLException found = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                SQLException next = sql instanceof BatchUpdateException ? sql.getNextException() : null;
                SQLException candidate = next != null && next.getSQLState() != null ? next : sql;
                if (candidate.getSQLState() != null && candidate.getSQLState().length() >= 2) {
                    found = candidate;
                }
            }
        }
        return found;
    }
}
