package io.fedfactory.deploy.admin;

import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.login.LoginTokens;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/** A login token for the web console, signed with the caller's own key; nothing is sent anywhere. */
@Command(name = "login-token", mixinStandardHelpOptions = true,
        description = "Print a login token for the console, signed with your certificate's key (as coordinator:coordinator "
                + "unless --as or --certificate/--private-key say otherwise). Paste it into the console's login page. "
                + "Whoever holds it acts as you until it expires: keep it like a password.")
final class LoginTokenCommand implements Callable<Integer> {

    @ParentCommand
    AdminCli cli;

    @Option(names = "--ttl", defaultValue = "PT1H",
            description = "How long the token lasts, ISO-8601, PT1M to PT12H (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Override
    public Integer call() {
        Duration d;
        try {
            d = Duration.parse(ttl);
            ClientTls tls = cli.tls(AdminCli.COORDINATOR);
            if (!tls.enabled()) throw new IllegalArgumentException("a login token needs a certificate: drop --plaintext");
            String token = LoginTokens.encode(LoginTokens.issue(tls.credential(), d, Instant.now()));
            System.out.println(token);
            System.err.println("login token of " + tls.identity() + ", valid until " + Instant.now().plus(d)
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "; paste it into the console's login page");
            return 0;
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--ttl must be an ISO-8601 duration such as PT1H, got '"
                    + ttl + "'");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--ttl: " + e.getMessage());
        }
    }
}
