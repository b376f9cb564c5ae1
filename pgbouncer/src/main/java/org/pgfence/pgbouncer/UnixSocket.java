package org.pgfence.pgbouncer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A connected Unix-domain socket (JDK 16+, no native library) whose connect, every read and every write is bounded
 * by one timeout, as {@link java.net.Socket#setSoTimeout} bounds TCP reads: a channel of this family has no socket
 * adaptor, so the channel is non-blocking and each wait is a {@link Selector} select with the timeout.
 */
final class UnixSocket implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final long timeoutMillis;

    /** The selector each wait selects with is this socket's own, opened here and closed with it. */
    private UnixSocket(SocketChannel channel, Duration timeout) throws IOException {
        this.channel = channel;
        this.timeoutMillis = Math.max(1, timeout.toMillis()); // select(0) would wait forever
        this.selector = Selector.open();
    }

    static UnixSocket connect(Path path, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        UnixSocket socket = null;
        try {
            channel.configureBlocking(false);
            socket = new UnixSocket(channel, timeout);
            if (!channel.connect(UnixDomainSocketAddress.of(path))) {
                socket.await(SelectionKey.OP_CONNECT, "connect");
                channel.finishConnect();
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                socket.close();
            } else {
                channel.close();
            }
            throw e;
        }
    }

    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                int n;
                while ((n = channel.read(buffer)) == 0) {
                    await(SelectionKey.OP_READ, "read");
                }
                return n;
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    if (channel.write(buffer) == 0) {
                        await(SelectionKey.OP_WRITE, "write");
                    }
                }
            }
        };
    }

    private void await(int operation, String what) throws IOException {
        channel.register(selector, operation);
        int ready = selector.select(timeoutMillis);
        selector.selectedKeys().clear();
        if (ready == 0) {
            throw new SocketTimeoutException(what + " timed out after " + timeoutMillis + " ms");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            selector.close();
        }
    }
}
