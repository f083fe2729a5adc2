package io.memstream.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local TCP relay to a real service that a test can cut and restore: the service going away and
 * coming back, without touching the service others share. Cut, it drops every relayed connection
 * and closes each new one at once, as a stopped server's host would.
 */
public final class TcpProxy implements AutoCloseable {

    private static final Pattern JDBC_HOST = Pattern.compile("^(jdbc:postgresql://)([^/:]+)(?::(\\d+))?(/.*)$");

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    public TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy's port", e);
        }
        Thread.ofVirtual().name("tcp-proxy-accept").start(this::acceptLoop);
    }

    /** A relay to the test database, and the JDBC URL that reaches it through the relay. */
    public static TcpProxy toTestDatabase() {
        Matcher m = JDBC_HOST.matcher(TestDatabase.URL);
        if (!m.matches()) {
            throw new IllegalStateException("cannot read host and port from " + TestDatabase.URL);
        }
        return new TcpProxy(m.group(2), m.group(3) == null ? 5432 : Integer.parseInt(m.group(3)));
    }

    /** {@link TestDatabase#URL}, pointed at this relay. */
    public String jdbcUrl() {
        Matcher m = JDBC_HOST.matcher(TestDatabase.URL);
        if (!m.matches()) {
            throw new IllegalStateException("cannot read host and port from " + TestDatabase.URL);
        }
        return m.group(1) + "127.0.0.1:" + port() + m.group(4);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The service is away: open connections drop, new ones close as soon as they are made. */
    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /** The service is back. */
    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // One side went away: so does the other.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Already closed.
        }
    }
}
