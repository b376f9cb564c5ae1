package org.pgfence.consumer.discovery;

/** Where a PostgreSQL node is probed. */
public record Address(String host, int port) implements Comparable<Address> {
    private static final java.util.regex.Pattern PLAIN_HOST = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,253}");

    /**
     * Whether the host is a plain DNS name or IP address. Hosts read from repmgr.nodes or from an event are
     * probed only if so: the host goes into a pgjdbc URL, where {@code /?&=} would smuggle in driver
     * properties (socketFactory, sslfactory, ...), and into the ini, where a newline or {@code %} is syntax.
     */
    public boolean plainHost() {
        return host != null && PLAIN_HOST.matcher(host).matches();
    }
    @Override
    public int compareTo(Address o) {
        int c = host.compareTo(o.host);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
