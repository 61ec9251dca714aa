package io.fedfactory.deploy.local;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.data.FashionMnist;
import io.fedfactory.data.Split;
import io.fedfactory.deploy.kafka.SharedKafkaBroker;
import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.deploy.pki.PkiCommand;
import io.fedfactory.deploy.pki.SiteKit;
import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.proto.v1.ClassificationMetrics;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.ClosePolicy;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.security.PkiDirectory;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sites bringing the image folders they have: real Fashion-MNIST images written as PNG and JPEG trees
 * (grey and RGB, two sizes), sites holding one, two and all three of the federation's classes, run as
 * real client-node processes (with default flags, at once, on one host) against the real aggregator.
 * One site joins from a startup kit with the command its README gives; a bad tree is refused, file by
 * file, before any training.
 */
class SiteFoldersIT {

    static final Path ROOT = EventPathIT.ROOT;
    static final Path WORK = Path.of("target", "it-site-folders").toAbsolutePath();
    static final Path PKI = WORK.resolve("pki");
    static final Path CLIENT = ROOT.resolve("client-node/target/client-node.jar");
    static final List<String> LABELS = List.of("tshirt", "trouser", "pullover");
    static final String FED = "fed-folders";

    static ServiceProcess aggregator;
    static PkiDirectory pki;

    @BeforeAll
    static void start() throws Exception {
        if (Files.exists(WORK)) {
            try (var walk = Files.walk(WORK)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        pki = new PkiDirectory(PKI);
        pki.ensure(LocalIdentities.of(List.of("site-00", "site-01", "site-02", "site-03"), List.of("auditor"), List.of("demo-app")));
        aggregator = ServiceProcess.start("aggregator", ROOT.resolve("aggregator/target/quarkus-app/quarkus-run.jar"),
                Map.of("kafka.bootstrap.servers", SharedKafkaBroker.bootstrapServers(),
                        "fedfactory.aggregator.data-dir", WORK.resolve("aggregator").toString(),
                        "java.io.tmpdir", Files.createDirectories(WORK.resolve("tmp")).toString(), "ai.djl.offline", "true"),
                "1g", WORK.resolve("logs"), ml(), List.of(), ServiceTls.of(pki.files(LocalIdentities.AGGREGATOR)));
        aggregator.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (aggregator != null) aggregator.close();
    }

    static Map<String, String> ml() {
        return Map.of("DJL_CACHE_DIR", ROOT.resolve(".cache/djl").toString(), "OMP_NUM_THREADS", "1", "OMP_WAIT_POLICY", "PASSIVE");
    }

    /** The first {@code n} images of Fashion-MNIST class {@code c}, from {@code offset}. */
    static Dataset images(Dataset all, int c, int offset, int n) {
        int[] idx = Datasets.indicesOfClass(all, c);
        return all.subset("c" + c + "-" + offset, java.util.Arrays.copyOfRange(idx, offset, offset + n));
    }

    /** Writes each image of {@code d} at {@code side}x{@code side}, as PNG or JPEG, grey or RGB. */
    static int write(Dataset d, Path dir, int side, String format, boolean rgb) throws IOException {
        Files.createDirectories(dir);
        Dataset sized = Datasets.resize(d, d.name(), side, side);
        for (int i = 0; i < sized.size(); i++) {
            float[] px = sized.image(i);
            BufferedImage img = new BufferedImage(side, side, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int v = Math.round(Math.max(0, Math.min(1, px[y * side + x])) * 255);
                    if (rgb) img.setRGB(x, y, (v << 16) | (v << 8) | v);
                    else img.getRaster().setSample(x, y, 0, v);
                }
            }
            if (!ImageIO.write(img, format, dir.resolve(String.format("%s-%03d.%s", d.name(), i, format)).toFile())) {
                throw new IOException("no " + format + " writer");
            }
        }
        return sized.size();
    }

    ServiceProcess site(String name, Path cwd, List<String> args) {
        List<String> all = new ArrayList<>(args);
        return ServiceProcess.start(name, CLIENT, Map.of("java.io.tmpdir", WORK.resolve("tmp").toString(), "ai.djl.offline", "true"),
                "768m", WORK.resolve("logs"), ml(), all, ServiceTls.plaintext(), cwd);
    }

    private static List<String> concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void sitesHoldingOneTwoAndAllClassesJoinWithTheirFoldersAndEvaluateOnlyTheirTestImages() throws Exception {
        Dataset train = FashionMnist.load(Split.TRAIN);
        // site-00: one class, train/ and test/ folders, grey PNG at the federation's 8x8.
        Path s0 = WORK.resolve("data/site-00");
        write(images(train, 0, 0, 16), s0.resolve("train/tshirt"), 8, "png", false);
        int s0Test = write(images(train, 0, 16, 5), s0.resolve("test/tshirt"), 8, "png", false);
        // site-01: two classes, one folder per class (no test split), RGB JPEG at 8x8 and 16x16 (resized).
        Path s1 = WORK.resolve("data/site-01");
        write(images(train, 1, 0, 10), s1.resolve("trouser"), 8, "jpg", true);
        write(images(train, 1, 10, 10), s1.resolve("trouser"), 16, "jpg", true);
        write(images(train, 2, 0, 20), s1.resolve("pullover"), 16, "png", true);
        // site-02: all three classes, grey PNG, joining from its startup kit.
        Path s2 = WORK.resolve("data/site-02");
        int s2Test = 0;
        for (int c = 0; c < 3; c++) {
            write(images(train, c, 100, 12), s2.resolve("train/" + LABELS.get(c)), 8, "png", false);
            s2Test += write(images(train, c, 112, 3), s2.resolve("test/" + LABELS.get(c)), 8, "png", false);
        }
        // site-03: a bad tree.
        Path s3 = WORK.resolve("data/site-03");
        write(images(train, 0, 200, 12), s3.resolve("tshirt"), 8, "png", false);
        write(images(train, 1, 200, 2), s3.resolve("trouser"), 8, "png", false);
        write(images(train, 2, 200, 3), s3.resolve("sweater"), 8, "png", false);
        write(images(train, 2, 203, 1), s3.resolve("pullover"), 12, "png", false);
        Path text = Files.writeString(s3.resolve("tshirt/readme.png"), "not an image");
        byte[] png = Files.readAllBytes(s3.resolve("tshirt/c0-200-000.png"));
        Path corrupt = Files.write(s3.resolve("tshirt/broken.png"), java.util.Arrays.copyOf(png, png.length / 2));

        ManagedChannel channel = ClientTls.of(pki.files(LocalIdentities.COORDINATOR)).channel("127.0.0.1", aggregator.grpcPort(), 16 << 20);
        try {
            var stub = FederationAdminGrpc.newBlockingStub(channel);
            java.util.function.Supplier<FederationAdminGrpc.FederationAdminBlockingStub> admin =
                    () -> stub.withDeadlineAfter(60, TimeUnit.SECONDS);
            admin.get().createFederation(CreateFederationRequest.newBuilder().setSpec(FederationSpec.newBuilder().setFederationId(FED)
                    .addAllLabelNames(LABELS)
                    .setImageSpec(ImageSpec.newBuilder().setChannels(1).setHeight(8).setWidth(8).setValueMin(0).setValueMax(1))
                    .addAcceptedKinds(ModuleKind.MODULE_KIND_DECODER).addAcceptedKinds(ModuleKind.MODULE_KIND_LATENT_DIFFUSION)
                    .setSamplesPerClass(40).setSeed(3)
                    .setRecipe(ClassifierRecipe.newBuilder().setBaseWidth(8).addBlocksPerStage(1).addBlocksPerStage(1)
                            .addBlocksPerStage(1).setEpochs(1).setBatchSize(32).setLearningRate(0.1f).setMomentum(0.9f)
                            .setWeightDecay(1e-4f).setAugment(false).setThreads(1))
                    .setClosePolicy(ClosePolicy.newBuilder().setExpectedSites(3))
                    .addAllEnrolledSiteIds(List.of("site-00", "site-01", "site-02", "site-03"))).build());
            String agg = "127.0.0.1:" + aggregator.grpcPort();

            // The bad tree: refused before any training, every file named, exit 3.
            ServiceProcess bad = site("client-site-03", WORK, List.of("--site-id", "site-03", "--federation", FED, "--data",
                    s3.toString(), "--aggregator", agg, "--tls-dir", PKI.toString(), "--min-images-per-class", "3"));
            assertEquals(3, bad.awaitExit(Duration.ofMinutes(3)), bad.logTail(30));
            String badLog = Files.readString(bad.log());
            System.out.println(badLog);
            assertTrue(badLog.contains("4 files refused:"), badLog);
            assertTrue(badLog.contains(corrupt + ": cannot be decoded"), badLog);
            assertTrue(badLog.contains(text + ": is not a PNG or JPEG image"), badLog);
            assertTrue(badLog.contains(s3.resolve("sweater") + ": folder 'sweater' is not one of the federation's labels"), badLog);
            assertTrue(badLog.contains(s3.resolve("pullover/c2-203-000.png") + ": is 12x12 (width x height) but the federation's images are 8x8"), badLog);
            assertTrue(badLog.contains("class 'trouser' (" + s3.resolve("trouser") + "): 1 training image, below the minimum of 3"), badLog);
            assertTrue(!badLog.contains("module for"), "nothing was trained:\n" + badLog);

            // The dry run of site-01: what would be trained and uploaded; nothing is.
            ServiceProcess check = site("check-site-01", WORK, List.of("check", "--site-id", "site-01", "--federation", FED,
                    "--data", s1.toString(), "--aggregator", agg, "--tls-dir", PKI.toString(), "--size-policy", "resize",
                    "--min-images-per-class", "3"));
            assertEquals(0, check.awaitExit(Duration.ofMinutes(3)), check.logTail(30));
            String checkLog = Files.readString(check.log());
            System.out.println(checkLog);
            assertTrue(checkLog.contains("would train a decoder module for 'trouser' on 16 images"), checkLog);
            assertTrue(checkLog.contains("would train a decoder module for 'pullover' on 16 images"), checkLog);
            assertTrue(checkLog.contains("resized to 8x8"), checkLog);
            assertTrue(checkLog.contains("dry run: nothing trained, nothing uploaded"), checkLog);
            assertEquals(0, admin.get().getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(FED).build()).getModules());

            // The dry run of the other kind the federation accepts, and of one it does not: refused, naming both.
            List<String> checkArgs = List.of("check", "--site-id", "site-01", "--federation", FED, "--data", s1.toString(),
                    "--aggregator", agg, "--tls-dir", PKI.toString(), "--size-policy", "resize", "--min-images-per-class", "3");
            ServiceProcess latent = site("check-latent-site-01", WORK, concat(checkArgs, "--kind", "latent-diffusion"));
            assertEquals(0, latent.awaitExit(Duration.ofMinutes(3)), latent.logTail(30));
            String latentLog = Files.readString(latent.log());
            assertTrue(latentLog.contains("would train a latent-diffusion module for 'trouser' on 16 images"), latentLog);
            ServiceProcess pixel = site("check-pixel-site-01", WORK, concat(checkArgs, "--kind", "diffusion"));
            assertNotEquals(0, pixel.awaitExit(Duration.ofMinutes(3)), pixel.logTail(30));
            String pixelLog = Files.readString(pixel.log());
            assertTrue(pixelLog.contains("--kind diffusion: federation " + FED
                    + " accepts [MODULE_KIND_DECODER, MODULE_KIND_LATENT_DIFFUSION]"), pixelLog);
            assertTrue(!pixelLog.contains("would train"), pixelLog);

            // site-02's kit, unpacked into an empty folder; its README's command is what runs.
            Path kit = Files.createDirectories(WORK.resolve("kit-site-02"));
            assertEquals(0, PkiCommand.run("--dir", PKI.toString(), "--sites", "site-02", "--kit", kit.toString(),
                    "--federation", FED, "--aggregator", agg, "--client-node", CLIENT.toString()));
            String readme = Files.readString(kit.resolve("README.md"));
            String line = readme.lines().map(String::strip).filter(l -> l.startsWith("java -jar")).findFirst().orElseThrow();
            assertTrue(line.startsWith("java -jar " + CLIENT + " --kit . --data <data>"), line);
            List<String> words = List.of(line.replace("<data>", s2.toString()).split(" "));
            List<String> kitArgs = new ArrayList<>(words.subList(3, words.size()));
            kitArgs.addAll(List.of("--decoder-epochs", "1", "--min-images-per-class", "3"));

            // Three sites at once on one host, default flags otherwise: no port of theirs can collide.
            List<String> tiny = List.of("--decoder-epochs", "1", "--min-images-per-class", "3", "--evaluate", "--wait-seconds", "600");
            List<String> a0 = new ArrayList<>(List.of("--site-id", "site-00", "--federation", FED, "--data", s0.toString(),
                    "--aggregator", agg, "--tls-dir", PKI.toString()));
            a0.addAll(tiny);
            List<String> a1 = new ArrayList<>(List.of("--site-id", "site-01", "--federation", FED, "--data", s1.toString(),
                    "--aggregator", agg, "--tls-dir", PKI.toString(), "--size-policy", "resize"));
            a1.addAll(tiny);
            ServiceProcess p0 = site("client-site-00", WORK, a0);
            ServiceProcess p1 = site("client-site-01", WORK, a1);
            ServiceProcess p2 = site("client-site-02", kit, kitArgs);
            try (p0; p1; p2) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
                while (admin.get().getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(FED).build()).getState()
                        == FederationState.FEDERATION_STATE_OPEN) {
                    assertTrue(System.nanoTime() < deadline, "the federation did not close:\n" + p0.logTail(10) + p1.logTail(10) + p2.logTail(10));
                    Thread.sleep(500);
                }
                // Closing does not start training: the coordinator does.
                FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .startTraining(StartTrainingRequest.newBuilder().setFederationId(FED).build());
                for (ServiceProcess p : List.of(p0, p1, p2)) {
                    assertEquals(0, p.awaitExit(Duration.ofMinutes(10)), p.logTail(40));
                    System.out.println(Files.readString(p.log()));
                }
            }
            String log0 = Files.readString(p0.log()), log1 = Files.readString(p1.log()), log2 = Files.readString(p2.log());
            assertTrue(log0.contains("on " + s0Test + " local test images: " + s0Test + " images of 1 held classes"), log0);
            assertTrue(log0.contains("2 of the federation's 3 classes are absent from these images and not averaged in: [trouser, pullover]"), log0);
            assertTrue(log1.contains("test images: [trouser=4, pullover=4], from held out: 20%"), log1);
            assertTrue(log1.contains("on 8 local test images: 8 images of 2 held classes"), log1);
            assertTrue(log1.contains("30 images in " + s1 + " resized to 8x8"), log1);
            assertTrue(log2.contains("on " + s2Test + " local test images: " + s2Test + " images of 3 held classes"), log2);
            assertTrue(log2.contains("no class of the federation is absent"), log2);

            Map<String, ClassificationMetrics> reported = admin.get().getFederationStatus(FederationStatusRequest.newBuilder()
                    .setFederationId(FED).build()).getSiteMetricsMap();
            assertEquals(List.of("trouser", "pullover"), reported.get("site-00").getAbsentClassesList());
            assertEquals(java.util.Set.of("tshirt"), reported.get("site-00").getPerClassF1Map().keySet());
            assertEquals(s0Test, reported.get("site-00").getExamples());
            assertEquals(List.of("tshirt"), reported.get("site-01").getAbsentClassesList());
            assertEquals(s2Test, reported.get("site-02").getExamples());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
