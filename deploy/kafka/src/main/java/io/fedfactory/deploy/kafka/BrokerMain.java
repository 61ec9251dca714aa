package io.fedfactory.deploy.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Standalone local broker, run by {@code deploy/broker start}. Starts the broker, writes
 * {@code <dir>/bootstrap} once it accepts writes (the start script waits for that file), and runs
 * until the process receives SIGTERM.
 */
public final class BrokerMain {

    private static final String USAGE = """
            usage: BrokerMain --dir DIR [--port PORT] [--timeout-seconds S]
              --dir DIR            broker config and data folder (formatted on first start, reused after)
              --port PORT          client port on 127.0.0.1 (default 9092; 0 picks a free port)
              --timeout-seconds S  how long to wait for the broker to accept a write (default 60)
            """;

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int port = 9092;
        int timeout = 60;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--dir" -> dir = Path.of(value(args, ++i, a));
                case "--port" -> port = parseInt(value(args, ++i, a), a, 0, 65535);
                case "--timeout-seconds" -> timeout = parseInt(value(args, ++i, a), a, 1, 3600);
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> fail("unknown argument " + a);
            }
        }
        if (dir == null) fail("--dir is required");

        long t0 = System.nanoTime();
        KafkaBroker broker = new KafkaBroker(dir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping Kafka broker at " + broker.bootstrapServers());
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        broker.start(Duration.ofSeconds(timeout));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path marker = broker.dir().resolve("bootstrap");
        Path tmp = broker.dir().resolve("bootstrap.tmp");
        Files.writeString(tmp, broker.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("Kafka broker ready at %s after %.1f s (data in %s)%n",
                broker.bootstrapServers(), seconds, broker.dir().resolve("data"));
        stopped.await();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) fail(flag + " needs a value");
        return args[i];
    }

    private static int parseInt(String s, String flag, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) fail(flag + " must be in [" + min + ", " + max + "], got " + v);
            return v;
        } catch (NumberFormatException e) {
            fail(flag + " must be an integer, got '" + s + "'");
            return 0;
        }
    }

    private static void fail(String message) {
        System.err.println("error: " + message);
        System.err.print(USAGE);
        System.exit(2);
    }

    private BrokerMain() {
    }

}
