package io.fedfactory.bench;

import io.fedfactory.metrics.ClassificationReport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One method under one seed: how its classifier did on the evaluation set, what each site sent, how
 * long each phase took, and method-specific facts (rounds, module count, synthetic samples).
 */
record MethodRun(String method, long seed, ClassificationReport report, long[] bytesSentPerSite,
                 Map<String, Double> phaseSeconds, Map<String, Object> details) {

    MethodRun {
        phaseSeconds = new LinkedHashMap<>(phaseSeconds);
        details = new LinkedHashMap<>(details);
        bytesSentPerSite = bytesSentPerSite.clone();
    }

    double totalSeconds() {
        return phaseSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    double meanBytesPerSite() {
        long sum = 0;
        for (long b : bytesSentPerSite) sum += b;
        return bytesSentPerSite.length == 0 ? 0 : (double) sum / bytesSentPerSite.length;
    }
}
