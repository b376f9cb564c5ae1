package org.pgfence.consumer.discovery;

/** Where a PostgreSQL node is probed. */
public record Address(String host, int port) implements Comparable<Address> {
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
