package io.fedfactory.client;

import io.grpc.StatusRuntimeException;
import picocli.CommandLine;

/**
 * Entry point of the site's program: runs {@link SiteCommand} (or its {@code check} dry run) and exits
 * with its status. It starts no server: no HTTP, no gRPC service, no Kafka consumer.
 */
public final class ClientNodeMain {

    /** Exit status when the site's data was refused. */
    public static final int DATA_REFUSED = 3;

    /** gRPC logs through java.util.logging; its start-up notes are not the site's business. Held: loggers are weak. */
    private static final java.util.logging.Logger GRPC = java.util.logging.Logger.getLogger("io.grpc");

    static {
        GRPC.setLevel(java.util.logging.Level.WARNING);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (for tests and embedding). */
    public static int run(String... args) {
        return new CommandLine(new SiteCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof SiteDataException) {
                        cmd.getErr().println("client-node: the data was refused: " + e.getMessage());
                        return DATA_REFUSED;
                    }
                    String why = e instanceof StatusRuntimeException s
                            ? "refused by the aggregator: " + io.fedfactory.proto.errors.TypedErrors.describe(s)
                            : e instanceof IllegalArgumentException ? e.getMessage()
                            : e.getClass().getSimpleName() + ": " + e.getMessage();
                    cmd.getErr().println("client-node: " + why);
                    return 1;
                })
                .execute(args);
    }

    private ClientNodeMain() {
    }
}
