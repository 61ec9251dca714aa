package io.fedfactory.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Progress lines with an ETA for the whole experiment. Each phase is given an estimated cost up front
 * (seconds at speeds measured on a loaded 2-core machine); the ETA scales the time spent so far by
 * the estimated cost left over the cost done, so a machine slower than the estimates still gets an
 * honest ETA after the first phases.
 */
final class Progress {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final long MIN_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final double totalCost;
    private final long started = System.nanoTime();
    private double doneCost;
    private double phaseCost;
    private String phase = "";
    private long lastLine;

    Progress(PrintStream out, double totalCost) {
        this.out = out;
        this.totalCost = Math.max(totalCost, 1e-9);
    }

    void startPhase(String name, double cost) {
        phase = name;
        phaseCost = cost;
        line(0, "started", true);
    }

    /** Within the current phase, {@code fraction} done; printed at most every ten seconds. */
    void update(double fraction, String detail) {
        line(Math.max(0, Math.min(1, fraction)), detail, false);
    }

    void endPhase(String detail) {
        line(1, detail, true);
        doneCost += phaseCost;
        phaseCost = 0;
    }

    void note(String message) {
        out.println("[" + LocalTime.now(ZoneOffset.UTC).format(CLOCK) + "] " + message);
        out.flush();
    }

    private synchronized void line(double fraction, String detail, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastLine < MIN_INTERVAL_NANOS) return;
        lastLine = now;
        double done = doneCost + fraction * phaseCost;
        double elapsed = (now - started) / 1e9;
        String eta = done > 0 && elapsed > 5 ? format(elapsed * (totalCost - done) / done) : "?";
        note(String.format(Locale.ROOT, "%5.1f%% | %s | %s | elapsed %s | ETA %s", 100 * done / totalCost, phase,
                detail, format(elapsed), eta));
    }

    static String format(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(Math.max(0, seconds)));
        return d.toHours() > 0 ? String.format(Locale.ROOT, "%dh%02dm%02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
