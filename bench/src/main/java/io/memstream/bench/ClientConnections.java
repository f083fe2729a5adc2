package io.memstream.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** One connection and prepared statement per client thread, as a pooled service would hold. */
final class ClientConnections implements AutoCloseable {

    private final Connection[] connections;
    private final PreparedStatement[] statements;
    private final String[] sqlOf;

    ClientConnections(BenchConfig config, int threads) throws SQLException {
        connections = new Connection[threads];
        statements = new PreparedStatement[threads];
        sqlOf = new String[threads];
        try {
            for (int i = 0; i < threads; i++) {
                connections[i] = config.database();
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /** The thread's statement for {@code sql}, prepared once while the thread keeps asking for it. */
    PreparedStatement statement(int thread, String sql) throws SQLException {
        if (!sql.equals(sqlOf[thread])) {
            if (statements[thread] != null) {
                statements[thread].close();
            }
            statements[thread] = connections[thread].prepareStatement(sql);
            sqlOf[thread] = sql;
        }
        return statements[thread];
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : connections) {
            if (c != null) {
                c.close();
            }
        }
    }
}
