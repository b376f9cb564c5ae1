package org.pgfence.pgbouncer;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal PostgreSQL protocol v3 client for the simple query protocol only, as pgbouncer's admin
 * console speaks it. Why not pgjdbc: pgjdbc 42.7.5+ sends {@code SET extra_float_digits} after login to
 * any server older than 12, and pgbouncer reports its own version (1.18.0/bouncer), so the admin console
 * answers "SET failed" and the connection dies. Over TCP or a Unix-domain socket ({@link UnixSocket}). Auth: trust,
 * cleartext, md5 and SCRAM-SHA-256 ({@link ScramSha256}), and peer over the socket. Every read is bounded by the
 * timeout. I/O failures surface as SQLState 08006 so {@link org.pgfence.runtime.Failure} retries them; a refused password does not.
 */
public final class SimpleQueryClient implements AutoCloseable {
    /** The pgbouncer {@code auth_type}s this client logs in with; also hba with these, or with peer over the socket. */
    public static final List<String> AUTH_TYPES = List.of("trust", "plain", "md5", "scram-sha-256");
    private final Closeable connection;
    private final DataInputStream in;
    private final OutputStream out;
    private volatile boolean closed;
    private boolean loggedIn;
    private ScramSha256 scram;

    private SimpleQueryClient(Closeable connection, InputStream in, OutputStream out) {
        this.connection = connection;
        this.in = new DataInputStream(new BufferedInputStream(in));
        this.out = out;
    }

    /**
     * Logs in to {@code host}:{@code port}. As in libpq, a host that starts with {@code /} is the directory of the
     * server's Unix-domain socket ({@code <host>/.s.PGSQL.<port>}, pgbouncer's {@code unix_socket_dir}).
     */
    public static SimpleQueryClient connect(String host, int port, String user, String password, String database,
                                            Duration timeout) throws SQLException {
        String where = where(host, port);
        SimpleQueryClient c;
        try {
            c = host.startsWith("/") ? unix(socketFile(host, port), timeout) : tcp(host, port, timeout);
        } catch (IOException e) {
            throw io("cannot connect to " + where, e);
        }
        try {
            c.startup(user, password, database);
            return c;
        } catch (IOException e) {
            c.close();
            throw io("cannot log in to " + where, e);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** {@code host:port}, or the socket file for a socket directory. */
    public static String where(String host, int port) {
        return host.startsWith("/") ? socketFile(host, port).toString() : host + ":" + port;
    }

    /** libpq's name for the socket of {@code port} in {@code directory}. */
    public static Path socketFile(String directory, int port) {
        return Path.of(directory, ".s.PGSQL." + port);
    }

    private static SimpleQueryClient tcp(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            int ms = (int) Math.max(1, timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), ms);
            socket.setSoTimeout(ms);
            socket.setTcpNoDelay(true);
            return new SimpleQueryClient(socket, socket.getInputStream(), socket.getOutputStream());
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private static SimpleQueryClient unix(Path socketFile, Duration timeout) throws IOException {
        UnixSocket socket = UnixSocket.connect(socketFile, timeout);
        return new SimpleQueryClient(socket, socket.input(), socket.output());
    }

    /** Runs {@code sql}; the rows (column name to text, null for NULL) of its last result set, if any. */
    public List<Map<String, String>> query(String sql) throws SQLException {
        try {
            send('Q', cstring(sql));
            List<String> columns = List.of();
            List<Map<String, String>> rows = new ArrayList<>();
            SQLException error = null;
            while (true) {
                char type = (char) in.readUnsignedByte();
                byte[] body = new byte[in.readInt() - 4];
                in.readFully(body);
                ByteBuffer b = ByteBuffer.wrap(body);
                switch (type) {
                    case 'T' -> {
                        columns = columns(b);
                        rows = new ArrayList<>();
                    }
                    case 'D' -> rows.add(row(b, columns));
                    case 'E' -> error = error(b);
                    case 'Z' -> {
                        if (error != null) {
                            throw error;
                        }
                        return rows;
                    }
                    default -> {
                        // C CommandComplete, I EmptyQuery, N Notice, S ParameterStatus: nothing to keep
                    }
                }
            }
        } catch (IOException e) {
            close();
            throw io("query '" + sql + "' failed", e);
        }
    }

    private void startup(String user, String password, String database) throws IOException, SQLException {
        ByteBuffer params = ByteBuffer.allocate(1024);
        params.putInt(196608);
        for (String s : new String[] {"user", user, "database", database, "application_name", "pgfence-agent"}) {
            params.put(cstring(s));
        }
        params.put((byte) 0);
        byte[] payload = new byte[params.position()];
        params.flip().get(payload);
        out.write(ByteBuffer.allocate(4 + payload.length).putInt(4 + payload.length).put(payload).array());
        out.flush();
        boolean answered = false;
        while (true) {
            char type = (char) in.readUnsignedByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            ByteBuffer b = ByteBuffer.wrap(body);
            if (type == 'E') {
                SQLException e = error(b);
                throw answered ? refused(user, e, "28P01", "") : refusedByConfiguration(user, e).orElse(e);
            } else if (type == 'R') {
                answered |= authenticate(b, user, password);
            } else if (type == 'Z') {
                loggedIn = true;
                return;
            }
        }
    }

    /**
     * A refused login as {@code sqlState} (28xxx, never retried), with pgbouncer's own words and code kept: pgbouncer
     * 1.18 says 08P01 (protocol violation), which would read as retriable connection trouble. An error after we
     * answered a password request is a wrong password (28P01, invalid_password), whatever SQLState it came with.
     */
    private static SQLException refused(String user, SQLException e, String sqlState, String hint) {
        return new SQLInvalidAuthorizationSpecException("pgbouncer refused the login of '" + user + "': "
                + e.getMessage() + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")") + hint,
                sqlState);
    }

    /**
     * An error before any password is asked for is a refusal by pgbouncer's configuration when it is one of the
     * reasons pgbouncer 1.18 gives for that (client.c and admin.c, all as 08P01); retrying cannot change the answer,
     * so it becomes 28000 (invalid_authorization_specification) with a hint at the setting. Anything else (too many
     * clients, shutting down) stays as pgbouncer said it.
     */
    private static Optional<SQLException> refusedByConfiguration(String user, SQLException e) {
        String hint = switch (e.getMessage()) {
            case "ERROR: not allowed" -> "; the admin console admits only the users in pgbouncer's admin_users "
                    + "(or stats_users, which cannot RELOAD)";
            case "ERROR: login rejected" -> "; pgbouncer's auth_hba_file has no line that lets '" + user
                    + "' in to database pgbouncer this way, or a reject line";
            case "ERROR: unix socket login rejected" -> "; peer authentication: the agent's OS user must be '"
                    + user + "'";
            case "ERROR: \"trust\" authentication failed", "ERROR: certificate authentication failed" -> "";
            default -> null;
        };
        return Optional.ofNullable(hint).map(h -> refused(user, e, "28000", h));
    }

    /** Answers one authentication request; true when that answer carried the password or a proof of it. */
    private boolean authenticate(ByteBuffer b, String user, String password) throws IOException, SQLException {
        int code = b.getInt();
        switch (code) {
            case 0 -> {
                return false; // AuthenticationOk
            }
            case 3 -> send('p', cstring(requirePassword(password)));
            case 5 -> {
                byte[] salt = new byte[4];
                b.get(salt);
                String inner = md5Hex((requirePassword(password) + user).getBytes(StandardCharsets.UTF_8));
                byte[] outer = ByteBuffer.allocate(inner.length() + 4).put(inner.getBytes(StandardCharsets.UTF_8))
                        .put(salt).array();
                send('p', cstring("md5" + md5Hex(outer)));
            }
            case 10 -> {
                List<String> mechanisms = new ArrayList<>();
                for (String m = readCString(b); !m.isEmpty(); m = readCString(b)) {
                    mechanisms.add(m);
                }
                if (!mechanisms.contains(ScramSha256.MECHANISM)) {
                    throw new SQLNonTransientConnectionException("pgbouncer offers SASL mechanisms " + mechanisms
                            + ", none of which the agent speaks (" + ScramSha256.MECHANISM + ")", "28000");
                }
                scram = ScramSha256.start(requirePassword(password));
                byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
                byte[] name = cstring(ScramSha256.MECHANISM);
                send('p', ByteBuffer.allocate(name.length + 4 + first.length).put(name).putInt(first.length).put(first)
                        .array());
            }
            case 11 -> send('p', scram().clientFinal(remaining(b)).getBytes(StandardCharsets.UTF_8));
            case 12 -> scram().verifyServerFinal(remaining(b));
            default -> throw new SQLNonTransientConnectionException("authentication method " + code
                    + " is not supported for the pgbouncer admin console (use auth_type " + AUTH_TYPES + ")", "28000");
        }
        return true;
    }

    private ScramSha256 scram() throws SQLException {
        if (scram == null) {
            throw new SQLNonTransientConnectionException("pgbouncer continued a SASL exchange that never started",
                    "08P01");
        }
        return scram;
    }

    private static String remaining(ByteBuffer b) {
        return new String(b.array(), b.position(), b.remaining(), StandardCharsets.UTF_8);
    }

    private static String requirePassword(String password) throws SQLException {
        if (password == null) {
            throw new SQLNonTransientConnectionException("pgbouncer asks for a password but none is configured",
                    "28P01");
        }
        return password;
    }

    private static List<String> columns(ByteBuffer b) {
        int n = b.getShort();
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(readCString(b));
            b.position(b.position() + 18);
        }
        return names;
    }

    private static Map<String, String> row(ByteBuffer b, List<String> columns) {
        int n = b.getShort();
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int len = b.getInt();
            String value = null;
            if (len >= 0) {
                byte[] v = new byte[len];
                b.get(v);
                value = new String(v, StandardCharsets.UTF_8);
            }
            row.put(i < columns.size() ? columns.get(i) : "column" + i, value);
        }
        return row;
    }

    private static SQLException error(ByteBuffer b) {
        String code = null;
        String message = "unknown error";
        while (b.hasRemaining()) {
            byte field = b.get();
            if (field == 0) {
                break;
            }
            String value = readCString(b);
            if (field == 'C') {
                code = value;
            } else if (field == 'M') {
                message = value;
            }
        }
        return new SQLException("ERROR: " + message, code);
    }

    private void send(char type, byte[] body) throws IOException {
        out.write(ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array());
        out.flush();
    }

    private static byte[] cstring(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) 0).array();
    }

    private static String readCString(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // scan to the terminator
        }
        return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
    }

    static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    private static SQLException io(String what, IOException e) {
        String detail = e instanceof EOFException ? "connection closed by the server" : e.toString();
        return new SQLException(what + ": " + detail, "08006", e);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (loggedIn) { // a Terminate in the middle of a login is a protocol error to pgbouncer ("bad packet")
                try {
                    send('X', new byte[0]);
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            closeQuietly(connection);
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
