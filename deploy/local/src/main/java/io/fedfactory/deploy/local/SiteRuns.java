package io.fedfactory.deploy.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs one client-node process per site, a few at a time, and fails if any site fails. */
final class SiteRuns {

    interface Say {
        void say(String format, Object... args);
    }

    static void run(List<Path> siteDirs, int parallel, Function<Path, ServiceProcess> launch, Say say) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (Path dir : siteDirs) {
                runs.add(pool.submit(() -> {
                    try (ServiceProcess site = launch.apply(dir)) {
                        int rc = site.awaitExit(Duration.ofMinutes(30));
                        if (rc != 0) {
                            throw new IllegalStateException(site.name() + " failed (exit " + rc + "):\n" + site.logTail(15));
                        }
                        for (String line : site.logTail(200).split("\n")) {
                            if (line.contains("receipt:") || line.contains("trained on") || line.contains("local test images")
                                    || line.contains("memorization audit") || line.contains("DP-SGD:")) say.say("%s", line.trim());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private SiteRuns() {
    }
}
