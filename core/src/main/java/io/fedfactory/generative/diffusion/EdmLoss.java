package io.fedfactory.generative.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.nn.DjlTensorOps;
import io.fedfactory.privacy.DpSgd;

import java.util.Map;

/**
 * EDM's weighted denoising loss (Karras et al. 2022) on records of a flat array, the loss of the
 * diffusion kinds' trainers: for each record in turn a noise level {@code ln(sigma) ~ N(pMean, pStd^2)}
 * and then its Gaussian noise are drawn from one seeded stream, and the loss is the mean of
 * {@code lambda(sigma) |D(x + sigma n; sigma) - x|^2}, {@code lambda = (sigma^2 + sd^2) / (sigma sd)^2}.
 * As a {@link DpSgd.MicrobatchLoss} it serves plain batches and DP-SGD microbatches alike.
 */
public final class EdmLoss implements DpSgd.MicrobatchLoss {

    /** The preconditioned denoiser D(x; sigma) under training. */
    @FunctionalInterface
    public interface Denoise {
        NDArray denoise(DjlTensorOps ops, NDArray noisy, NDArray sigma);
    }

    private final float[] data;
    private final long[] recordShape;
    private final int recordSize;
    private final double pMean;
    private final double pStd;
    private final double sd;
    private final SplitMix64 noise;
    private final Map<String, NDArray> params;
    private final Denoise net;

    /**
     * @param data        the records, {@code recordShape} floats each, back to back
     * @param recordShape one record's shape, for example {@code [channels, height, width]}
     * @param noise       the stream the noise levels and noise are drawn from, in record order
     * @param params      the live parameters {@code net} reads
     */
    public EdmLoss(float[] data, long[] recordShape, double pMean, double pStd, double sigmaData, SplitMix64 noise,
                   Map<String, NDArray> params, Denoise net) {
        this.data = data;
        this.recordShape = recordShape.clone();
        this.recordSize = Math.toIntExact(new Shape(recordShape).size());
        this.pMean = pMean;
        this.pStd = pStd;
        this.sd = sigmaData;
        this.noise = noise;
        this.params = params;
        this.net = net;
    }

    @Override
    public NDArray loss(NDManager scratch, int[] indices) {
        int n = indices.length;
        float[] clean = new float[n * recordSize];
        float[] noisy = new float[n * recordSize];
        float[] sigma = new float[n];
        float[] weight = new float[n];
        for (int b = 0; b < n; b++) {
            System.arraycopy(data, indices[b] * recordSize, clean, b * recordSize, recordSize);
            double s = StrictMath.exp(pMean + pStd * noise.nextGaussian());
            sigma[b] = (float) s;
            weight[b] = (float) ((s * s + sd * sd) / (s * sd * s * sd));
            for (int p = b * recordSize; p < (b + 1) * recordSize; p++) {
                noisy[p] = (float) (clean[p] + s * noise.nextGaussian());
            }
        }
        long[] batchShape = new long[recordShape.length + 1];
        long[] weightShape = new long[recordShape.length + 1];
        batchShape[0] = n;
        weightShape[0] = n;
        for (int d = 0; d < recordShape.length; d++) {
            batchShape[d + 1] = recordShape[d];
            weightShape[d + 1] = 1;
        }
        NDArray x0 = scratch.create(clean, new Shape(batchShape));
        NDArray y = scratch.create(noisy, new Shape(batchShape));
        NDArray s = scratch.create(sigma, new Shape(n));
        NDArray lambda = scratch.create(weight, new Shape(weightShape));
        DjlTensorOps ops = new DjlTensorOps(scratch, params);
        NDArray error = ops.sub(net.denoise(ops, y, s), x0);
        NDArray l = ops.mul(lambda, ops.mul(error, error)).mean();
        l.attach(scratch);
        return l;
    }
}
