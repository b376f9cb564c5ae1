package org.pgfence.consumer.internal;

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

    private UnixSocket(SocketChannel channel, Selector selector, long timeoutMillis) {
        this.channel = channel;
        this.selector = selector;
        this.timeoutMillis = timeoutMillis;
    }

    static UnixSocket connect(Path path, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            UnixSocket socket = new UnixSocket(channel, selector, Math.max(1, timeout.toMillis()));
            if (!channel.connect(UnixDomainSocketAddress.of(path))) {
                socket.await(SelectionKey.OP_CONNECT, "connect");
                channel.finishConnect();
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
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

    boolean isClosed() {
        return !channel.isOpen();
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
