package io.fedfactory.client;

import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;

/**
 * Entry point: with arguments, runs the site's job ({@link SiteCommand}) and exits with its status;
 * without, runs as a service until stopped.
 */
@QuarkusMain
public class ClientNodeMain implements QuarkusApplication {

    @Override
    public int run(String... args) {
        if (args.length == 0) {
            Quarkus.waitForExit();
            return 0;
        }
        return new CommandLine(new SiteCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    String why = e instanceof StatusRuntimeException s
                            ? "refused by the aggregator: " + io.fedfactory.proto.errors.TypedErrors.describe(s)
                            : e.getClass().getSimpleName() + ": " + e.getMessage();
                    cmd.getErr().println("client-node: " + why);
                    return 1;
                })
                .execute(args);
    }
}
