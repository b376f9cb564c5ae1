package org.pgfence.lab.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * The broker as its own process, for the CLI lab and the demo: {@code BrokerMain <dir> <host> <port>}.
 * Writes {@code <dir>/ready} with the bootstrap address once serving; stops cleanly on SIGTERM.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain <dir> <host> <port>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        EmbeddedKafka kafka = EmbeddedKafka.start(dir, args[1], Integer.parseInt(args[2]), false);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-shutdown"));
        // written aside and renamed: the parent polls for "ready" and must never read it half-written (empty)
        Path tmp = Files.writeString(dir.resolve("ready.tmp"), kafka.bootstrapServers());
        Files.move(tmp, dir.resolve("ready"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Kafka Server started on " + kafka.bootstrapServers());
        stopped.await();
    }
}
