package io.fedfactory.client;

import io.fedfactory.client.connection.AggregatorChannel;
import io.fedfactory.data.site.DataOptions;
import io.fedfactory.data.site.SiteData;
import io.fedfactory.data.site.SiteDataset;
import io.fedfactory.data.RefusedFile;
import io.fedfactory.data.SizePolicy;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.security.PkiDirectory;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Who the site is, where its aggregator and data are, and how the data is read: the options the job
 * and the dry run ({@code check}) share. A startup kit ({@code --kit}) supplies the site id, the
 * federation, the aggregator's address and the TLS files; options given on the command line win.
 */
public final class SiteOptions {

    /** The kit's file of settings, beside its certificate, key and CA. */
    public static final String KIT_SETTINGS = "site.properties";

    @Option(names = "--kit", description = "A startup kit folder (deploy/pki --kit writes one): its " + KIT_SETTINGS
            + " gives --site-id, --federation, --aggregator and the TLS files.")
    Path kit;
    @Option(names = "--site-id", description = "This site's id, [a-z0-9-]{1,64} (required unless --kit gives it).")
    String siteId;
    @Option(names = "--federation", description = "Federation id to join (required unless --kit gives it).")
    String federation;
    @Option(names = "--data", description = "Path of the local data (see --format); required.")
    Path data;
    @Option(names = "--format", defaultValue = "FOLDER",
            description = "FOLDER (<data>/train/<label>/*.png|jpg and <data>/test/<label>/..., or <data>/<label>/...), "
                    + "IDX (train- and t10k- IDX files), NPZ (a MedMNIST archive), CIFAR10 (binary batches). "
                    + "A site may hold any subset of the federation's labels. Default: ${DEFAULT-VALUE}.")
    SiteData.Format format;
    @Option(names = "--size-policy", defaultValue = "REFUSE",
            description = "Images whose size differs from the federation's: REFUSE them (listed file by file) or "
                    + "RESIZE them (antialiased bilinear, aspect ratio not kept; every resize is reported). "
                    + "Grey and colour are always converted to the federation's channels. Default: ${DEFAULT-VALUE}.")
    SizePolicy sizePolicy;
    @Option(names = "--min-images-per-class", defaultValue = "10",
            description = "A class with fewer training images is skipped before any training, with a line naming it "
                    + "(at least " + DataOptions.LOWEST_MINIMUM + "; default: ${DEFAULT-VALUE}).")
    int minImagesPerClass;
    @Option(names = "--holdout", defaultValue = "0.2",
            description = "Without a test split, this fraction of each class is held out (seeded by --seed) for "
                    + "--evaluate and never trained on (default: ${DEFAULT-VALUE}).")
    double holdout;
    @Option(names = "--skip-refused", description = "Go on without the refused files (they are still listed); "
            + "by default any refused file stops the site before training.")
    boolean skipRefused;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of training and of the held-out draw (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--aggregator", description = "Aggregator gRPC host:port (default: the kit's, else 127.0.0.1:9081).")
    String aggregator;
    @Option(names = "--tls-dir", defaultValue = "run/pki",
            description = "Folder of the federation's certificates, as deploy/pki writes them: the defaults of "
                    + "--certificate, --private-key and --ca are site-<site-id>.pem, site-<site-id>-key.pem and ca.pem "
                    + "in it (default: ${DEFAULT-VALUE}; a kit's folder when --kit is given).")
    Path tlsDir;
    @Option(names = "--certificate", description = "This site's certificate (PEM); it must name site:<site-id>.")
    Path certificate;
    @Option(names = "--private-key", description = "This site's private key (PEM, PKCS#8).")
    Path privateKey;
    @Option(names = "--ca", description = "The federation's CA certificate (PEM): the only issuer trusted for the aggregator.")
    Path ca;
    @Option(names = "--plaintext", description = "Connect without TLS (only against an aggregator started with "
            + "fedfactory.tls.enabled=false, to measure TLS's cost).")
    boolean plaintext;

    private boolean resolved;

    /** Fills what the kit gives and checks the site id; idempotent. */
    void resolve() throws IOException {
        if (resolved) return;
        resolved = true;
        if (kit != null) {
            Path settings = kit.resolve(KIT_SETTINGS);
            if (!Files.isRegularFile(settings)) {
                throw new IllegalArgumentException("--kit " + kit + ": no " + KIT_SETTINGS + " in it (deploy/pki --kit writes one)");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(settings, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            if (siteId == null) siteId = p.getProperty("site-id");
            if (federation == null) federation = p.getProperty("federation");
            if (aggregator == null) aggregator = p.getProperty("aggregator");
            if (certificate == null && p.containsKey("certificate")) certificate = kit.resolve(p.getProperty("certificate"));
            if (privateKey == null && p.containsKey("private-key")) privateKey = kit.resolve(p.getProperty("private-key"));
            if (ca == null && p.containsKey("ca")) ca = kit.resolve(p.getProperty("ca"));
        }
        if (aggregator == null) aggregator = "127.0.0.1:9081";
        if (data == null) throw new IllegalArgumentException("--data is required: the folder (or file) of this site's images");
        if (siteId == null) throw new IllegalArgumentException("--site-id is required (or --kit, whose " + KIT_SETTINGS + " gives it)");
        if (federation == null) throw new IllegalArgumentException("--federation is required (or --kit, whose " + KIT_SETTINGS + " gives it)");
        if (!siteId.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("--site-id must match [a-z0-9-]{1,64}, got '" + siteId + "'");
        }
        if (!aggregator.matches("[^:]+:\\d{1,5}")) {
            throw new IllegalArgumentException("--aggregator must be host:port, got '" + aggregator + "'");
        }
    }

    String siteId() { return siteId; }

    String federation() { return federation; }

    /** The site's TLS files: explicit options (or the kit's) first, else its files in --tls-dir. */
    public CredentialFiles tlsFiles() {
        CredentialFiles defaults = new PkiDirectory(tlsDir).files(Identity.site(siteId));
        return new CredentialFiles(certificate != null ? certificate : defaults.certificate(),
                privateKey != null ? privateKey : defaults.privateKey(), ca != null ? ca : defaults.trustedCa());
    }

    ManagedChannel openChannel() throws IOException {
        resolve();
        String[] hp = aggregator.split(":");
        return AggregatorChannel.open(hp[0], Integer.parseInt(hp[1]), plaintext ? null : tlsFiles(), siteId);
    }

    /** How long a site waits for the aggregator to answer its first call, before it gives up. */
    static final int AGGREGATOR_WAIT_SECONDS = 180;

    /**
     * The federation's spec from the aggregator, waiting up to {@value #AGGREGATOR_WAIT_SECONDS} s for it
     * to answer: a call that finds it unreachable (UNAVAILABLE) or too slow (DEADLINE_EXCEEDED, as on a
     * loaded machine) is retried, since reading the spec changes nothing; any other answer is final.
     */
    FederationSpec awaitFederation(ManagedChannel channel) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AGGREGATOR_WAIT_SECONDS);
        while (true) {
            try {
                return FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(federation).build())
                        .getSpec();
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                boolean retriable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
                if (!retriable || System.nanoTime() > deadline) throw e;
                Thread.sleep(1000);
            }
        }
    }

    DataOptions dataOptions() {
        return new DataOptions(format, sizePolicy, minImagesPerClass, holdout, seed);
    }

    /**
     * Reads the data against the spec and prints everything found; refused files stop here, before
     * any training, unless --skip-refused.
     *
     * @throws SiteDataException listing every refused file, or saying there is nothing to train
     */
    SiteDataset readData(FederationSpec spec, PrintStream out, boolean needTraining) throws IOException {
        SiteDataset d = SiteData.read(data, spec, dataOptions());
        for (String line : d.notes()) out.printf("[%s] %s%n", siteId, line);
        for (String line : d.skipped()) out.printf("[%s] %s%n", siteId, line);
        if (!d.refused().isEmpty()) {
            if (!skipRefused) {
                throw new SiteDataException(RefusedFile.describe(d.refused()) + "\nnothing was trained or uploaded; fix "
                        + "or remove these files, or pass --skip-refused to go on without them");
            }
            out.printf("[%s] %s%n[%s] (left out: --skip-refused)%n", siteId, RefusedFile.describe(d.refused()), siteId);
        }
        out.printf("[%s] training images: %s%n", siteId, d.trainedClasses().isEmpty() ? "none" : d.trainedClasses());
        out.printf("[%s] test images: %s, from %s%n", siteId, d.testClasses().isEmpty() ? "none" : d.testClasses(), d.testSource());
        if (needTraining && d.train().size() == 0) {
            throw new SiteDataException("no class of " + spec.getLabelNamesList() + " has " + minImagesPerClass
                    + " or more training images in " + data + "; nothing to train");
        }
        return d;
    }
}
