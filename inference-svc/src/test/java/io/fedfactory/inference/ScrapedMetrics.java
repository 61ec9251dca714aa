package io.fedfactory.inference;

import static io.fedfactory.inference.TestTls.given;

/** Reads values from the service's /metrics (Prometheus text), as a scraper would. */
public final class ScrapedMetrics {

    private ScrapedMetrics() {}

    /** Sum of every sample of {@code name} whose labels include each of {@code labels} ("k=\"v\""). */
    public static double sum(String name, String... labels) {
        String text = given().get("/metrics").then().statusCode(200).extract().asString();
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) continue;
            boolean all = true;
            for (String l : labels) all &= line.contains(l);
            if (all) total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return total;
    }
}
