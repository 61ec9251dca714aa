package io.fedfactory.inference;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Awaits (Awaitility) a condition that an event or a download makes true some time later. */
public final class Waiting {

    private Waiting() {}

    /** The version a federation serves now, or null (also while the service does not know it yet). */
    public static String servedVersion(String federation) {
        var response = TestTls.given().get("/v1/federations/" + federation);
        return response.statusCode() == 200 ? response.jsonPath().getString("servedVersion") : null;
    }

    public static void untilServed(String federation, String version) {
        until(Duration.ofSeconds(60), () -> version.equals(servedVersion(federation)), () -> federation
                + " does not serve " + version + ": " + TestTls.given().get("/v1/federations/" + federation).asString());
    }

    /** The first few of many collected errors, for a failure message. */
    public static String firstFew(java.util.Collection<String> errors) {
        return errors.size() + " errors, first: " + errors.stream().limit(3).toList();
    }

    public static void until(Duration limit, BooleanSupplier condition, Supplier<String> whatFailed) {
        try {
            Awaitility.await().atMost(limit).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            fail("not within " + limit.toSeconds() + " s: " + whatFailed.get());
        }
    }
}
