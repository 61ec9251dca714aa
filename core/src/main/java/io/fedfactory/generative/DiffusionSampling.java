package io.fedfactory.generative;

/**
 * EDM sampling parameters of a diffusion module (Karras et al. 2022): the Heun step count, the noise
 * range of the schedule {@code sigma_i = (sigmaMax^(1/rho) + i/(steps-1) (sigmaMin^(1/rho) - sigmaMax^(1/rho)))^rho},
 * and the data standard deviation the denoiser's preconditioning was built with.
 */
public record DiffusionSampling(int steps, double sigmaMin, double sigmaMax, double rho, double sigmaData)
        implements SamplerParameters {

    /** Most Heun steps accepted (each step costs two network evaluations). */
    public static final int MAX_STEPS = 1000;
    /** Largest sigma accepted; EDM uses 80 for data in [-1, 1]. */
    public static final double MAX_SIGMA = 1e4;

    /** The paper's sampler: 50 steps from sigma 80 down to 0.002, rho 7, sigma_data 0.5. */
    public static DiffusionSampling edmDefaults() {
        return new DiffusionSampling(50, 0.002, 80.0, 7.0, 0.5);
    }

    public DiffusionSampling {
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("sampler.steps must be in [1, " + MAX_STEPS + "], got " + steps);
        }
        if (!(sigmaMin > 0) || !Double.isFinite(sigmaMin)) {
            throw new IllegalArgumentException("sampler.sigmaMin must be finite and > 0, got " + sigmaMin);
        }
        if (!(sigmaMax > sigmaMin) || !(sigmaMax <= MAX_SIGMA)) {
            throw new IllegalArgumentException("sampler.sigmaMax must be in (sigmaMin=" + sigmaMin + ", " + MAX_SIGMA
                    + "], got " + sigmaMax);
        }
        if (!(rho > 0) || !(rho <= 100)) {
            throw new IllegalArgumentException("sampler.rho must be in (0, 100], got " + rho);
        }
        if (!(sigmaData > 0) || !(sigmaData <= 100)) {
            throw new IllegalArgumentException("sampler.sigmaData must be in (0, 100], got " + sigmaData);
        }
    }

    /** The same schedule with another step count. */
    public DiffusionSampling withSteps(int newSteps) {
        return new DiffusionSampling(newSteps, sigmaMin, sigmaMax, rho, sigmaData);
    }

    @Override
    public ModuleKind kind() {
        return ModuleKind.DIFFUSION;
    }

    @Override
    public java.util.Optional<DiffusionSampling> heunSchedule() {
        return java.util.Optional.of(this);
    }

    @Override
    public DiffusionSampling withHeunSteps(int newSteps) {
        return withSteps(newSteps);
    }
}
