package io.fedfactory.privacy;

import io.fedfactory.privacy.RdpAccountant.Conversion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accountant against published epsilons of TensorFlow Privacy. */
class RdpAccountantTest {

    /** The orders of TensorFlow Privacy's compute_dp_sgd_privacy when its tutorial table was made. */
    private static double[] tutorialOrders() {
        double[] orders = new double[99 + 52];
        for (int x = 1; x < 100; x++) orders[x - 1] = 1 + x / 10.0;
        for (int a = 12; a < 64; a++) orders[99 + a - 12] = a;
        return orders;
    }

    private static RdpAccountant.Guarantee dpSgd(double[] orders, int n, int batch, double noise, double epochs,
                                                 double delta, Conversion conversion) {
        long steps = (long) Math.ceil(epochs * n / batch);
        return new RdpAccountant(orders).compose((double) batch / n, noise, steps).epsilon(delta, conversion);
    }

    /**
     * tensorflow/privacy tutorials/README.md, "Select Parameters" (N = 60,000, batch 256, delta 1e-5)
     * and "Expected Output" (noise 1.1 after 1, 2 and 60 epochs).
     */
    @ParameterizedTest(name = "noise {0}, {1} epochs: epsilon {2}")
    @CsvSource({"1.3, 15, 1.19", "1.1, 60, 3.01", "0.7, 45, 7.10", "1.1, 1, 1.03", "1.1, 2, 1.11"})
    void matchesTheTensorFlowPrivacyTutorialTable(double noise, int epochs, double published) {
        var g = dpSgd(tutorialOrders(), 60_000, 256, noise, epochs, 1e-5, Conversion.STANDARD);
        assertEquals(published, Math.round(g.epsilon() * 100) / 100.0, 1e-9, () -> "epsilon " + g);
    }

    /** tensorflow_privacy/privacy/analysis/compute_dp_sgd_privacy_test.py (dp_accounting's improved conversion). */
    @ParameterizedTest(name = "N {0}, batch {1}, noise {2}, {3} epochs, delta {4}: epsilon {5} at order {6}")
    @CsvSource({"60000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19", "100000, 100, 1.0, 30, 1e-7, 1.4154988495444842, 13"})
    void matchesTheTensorFlowPrivacyUnitTests(int n, int batch, double noise, int epochs, double delta, double eps,
                                              double order) {
        var g = dpSgd(RdpAccountant.DEFAULT_ORDERS, n, batch, noise, epochs, delta, Conversion.IMPROVED);
        assertEquals(eps, g.epsilon(), 1e-6, () -> "epsilon " + g);
        assertEquals(order, g.order());
    }

    @Test
    void improvedConversionIsNeverLargerAndFractionalOrdersAreContinuous() {
        var standard = dpSgd(RdpAccountant.DEFAULT_ORDERS, 60_000, 256, 1.1, 60, 1e-5, Conversion.STANDARD);
        var improved = dpSgd(RdpAccountant.DEFAULT_ORDERS, 60_000, 256, 1.1, 60, 1e-5, Conversion.IMPROVED);
        assertTrue(improved.epsilon() < standard.epsilon(), improved + " vs " + standard);
        // The fractional series at alpha = 3 +- tiny must agree with the exact integer sum at 3.
        double q = 256 / 60_000.0;
        double exact = RdpAccountant.stepRdp(q, 1.1, 3);
        assertEquals(exact, RdpAccountant.stepRdp(q, 1.1, 3 + 1e-9), exact * 1e-6);
        assertEquals(exact, RdpAccountant.stepRdp(q, 1.1, 3 - 1e-9), exact * 1e-6);
        // More noise, fewer steps or a smaller sampling rate spend less.
        assertTrue(dpSgd(RdpAccountant.DEFAULT_ORDERS, 60_000, 256, 2.0, 60, 1e-5, Conversion.IMPROVED).epsilon()
                < improved.epsilon());
        assertTrue(dpSgd(RdpAccountant.DEFAULT_ORDERS, 60_000, 128, 1.1, 60, 1e-5, Conversion.IMPROVED).epsilon()
                < improved.epsilon());
    }

    @Test
    void refusesArgumentsOutsideTheirRange() {
        var a = new RdpAccountant();
        assertThrows(IllegalArgumentException.class, () -> a.compose(1.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> a.compose(0.1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> a.epsilon(0));
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant(new double[] {1.0}));
        assertEquals(Double.POSITIVE_INFINITY, new RdpAccountant().compose(0.1, 0, 1).epsilon(1e-5).epsilon());
    }
}
