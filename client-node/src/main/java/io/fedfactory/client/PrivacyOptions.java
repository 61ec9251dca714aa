package io.fedfactory.client;

import io.fedfactory.client.privacy.SiteAudit;
import io.fedfactory.privacy.DpSgdConfig;
import io.fedfactory.privacy.MemorizationAudit;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** How the site checks and limits what its modules may reveal: the memorization audit and DP-SGD. */
public final class PrivacyOptions {

    @Option(names = "--audit-hold-out", defaultValue = "0.1",
            description = "Share of each local training class held out from module training, seeded by --seed, for "
                    + "the memorization audit (default: ${DEFAULT-VALUE}).")
    double holdOut;
    @Option(names = "--audit-samples", defaultValue = "500",
            description = "Samples drawn from each module by the memorization audit; 0 skips the audit (a federation "
                    + "whose privacy policy requires a report then refuses the module) (default: ${DEFAULT-VALUE}).")
    int auditSamples;
    @Option(names = "--audit-dir",
            description = "Where the audit writes each module's closest sample/training pairs as a PNG, for the site's "
                    + "own review; never uploaded (default: <data>/memorization-audit, or next to a --data file).")
    Path auditDir;
    @Option(names = "--dp-noise", defaultValue = "0",
            description = "Train with DP-SGD at this noise multiplier (0: plain training; every --kind). Batches "
                    + "are Poisson-sampled, each microbatch's gradient is clipped, Gaussian noise added; epsilon at "
                    + "--dp-delta from a Renyi-DP accountant goes into the manifest. latent-diffusion trains both "
                    + "its autoencoder and its denoiser privately, and its epsilon is the two phases composed "
                    + "(default: ${DEFAULT-VALUE}).")
    double dpNoise;
    @Option(names = "--dp-clip", defaultValue = "1.0", description = "DP-SGD clipping norm (default: ${DEFAULT-VALUE}).")
    double dpClip;
    @Option(names = "--dp-microbatch", defaultValue = "8",
            description = "DP-SGD images per microbatch; 1 clips each image alone (slowest); above 1 the accountant "
                    + "is given half the noise multiplier (default: ${DEFAULT-VALUE}).")
    int dpMicrobatch;
    @Option(names = "--dp-delta", defaultValue = "1e-5", description = "Delta of the reported epsilon (default: ${DEFAULT-VALUE}).")
    double dpDelta;

    /** The audit, or null with --audit-samples 0. */
    SiteAudit audit(long seed, Path data) {
        if (auditSamples == 0) return null;
        if (auditSamples < 0) throw new IllegalArgumentException("--audit-samples must be >= 0, got " + auditSamples);
        Path dir = auditDir != null ? auditDir
                : Files.isDirectory(data) ? data.resolve("memorization-audit")
                : data.toAbsolutePath().resolveSibling("memorization-audit");
        return new SiteAudit(MemorizationAudit.defaults(seed).withSamples(auditSamples), holdOut, seed, dir);
    }

    /** The DP-SGD settings, or null with --dp-noise 0. */
    DpSgdConfig dpSgd() {
        return dpNoise == 0 ? null : new DpSgdConfig(dpNoise, dpClip, dpMicrobatch, dpDelta);
    }
}
