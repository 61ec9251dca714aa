package io.fedfactory.deploy.local;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import io.fedfactory.deploy.kafka.SharedKafkaBroker;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.security.PkiDirectory;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The services as separate processes, as deployed: the aggregator publishes an event through the real
 * broker and the inference service consumes it.
 */
class EventPathIT {

    static final Path ROOT = Path.of(System.getProperty("fedfactory.root", "../..")).toAbsolutePath().normalize();
    static final Path LOGS = Path.of("target", "it-logs");

    /** The ITs' own certificates (deploy/pki's code), under target/. */
    static final Path PKI = Path.of("target", "it-pki").toAbsolutePath();

    static ServiceProcess aggregator;
    static ServiceProcess inference;
    static PkiDirectory pki;

    @BeforeAll
    static void startServices() throws Exception {
        pki = new PkiDirectory(PKI);
        pki.ensure(LocalIdentities.of(List.of("site-00", "site-01", "site-02"), List.of("auditor"), List.of("demo-app")));
        String kafka = SharedKafkaBroker.bootstrapServers();
        // Fresh state per run, like the broker: a store kept from an earlier run would make CreateFederation
        // a no-op (same spec) and no event would reach this run's broker.
        Path state = java.nio.file.Files.createTempDirectory(Path.of("target"), "event-path-");
        aggregator = ServiceProcess.start("aggregator", ROOT.resolve("aggregator/target/quarkus-app/quarkus-run.jar"),
                Map.of("kafka.bootstrap.servers", kafka, "fedfactory.aggregator.data-dir", state.resolve("aggregator").toString()),
                "512m", LOGS, ServiceTls.of(pki.files(LocalIdentities.AGGREGATOR)));
        inference = ServiceProcess.start("inference-svc", ROOT.resolve("inference-svc/target/quarkus-app/quarkus-run.jar"),
                Map.of("kafka.bootstrap.servers", kafka, "fedfactory.inference.cache-dir", state.resolve("inference").toString()),
                "512m", LOGS, ServiceTls.of(pki.files(LocalIdentities.INFERENCE)));
        aggregator.awaitReady(Duration.ofSeconds(120));
        inference.awaitReady(Duration.ofSeconds(120));
        for (ServiceProcess p : new ServiceProcess[] {aggregator, inference}) {
            System.out.printf("%s: PID %d ready in %.1f s, resident %.0f MiB%n",
                    p.name(), p.pid(), p.readySeconds(), p.residentMiB());
        }
    }

    @AfterAll
    static void stopServices() {
        if (inference != null) inference.close();
        if (aggregator != null) aggregator.close();
    }

    @Test
    void theAdminCommandLineCreatesAndReportsAndNamesRefusals() {
        String agg = "127.0.0.1:" + aggregator.grpcPort();
        String dir = PKI.toString();
        assertEquals(0, io.fedfactory.deploy.admin.AdminCli.run("--aggregator", agg, "--tls-dir", dir, "create", "--id", "fed-cli",
                "--labels", "a,b,c", "--image", "1x28x28", "--samples-per-class", "50", "--sites", "site-00,site-01"));
        assertEquals(0, io.fedfactory.deploy.admin.AdminCli.run("--aggregator", agg, "--tls-dir", dir, "status", "--id", "fed-cli"));
        assertEquals(1, io.fedfactory.deploy.admin.AdminCli.run("--aggregator", agg, "--tls-dir", dir, "status", "--id", "no-such-fed"));
        assertEquals(2, io.fedfactory.deploy.admin.AdminCli.run("--aggregator", agg, "--tls-dir", dir, "create", "--id", "fed-cli2",
                "--labels", "a,b", "--kinds", "gan"));
        // An auditor may not start training: refused by the aggregator (exit 1), nothing changed.
        assertEquals(1, io.fedfactory.deploy.admin.AdminCli.run("--aggregator", agg, "--tls-dir", dir, "--as", "auditor:auditor",
                "train", "--id", "fed-cli"));

        // The audit trail keeps both: the coordinator's create and the auditor's refused train; only auditors read it.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, io.fedfactory.deploy.admin.AdminCli.run("--aggregator", agg, "--tls-dir", dir, "audit", "--id", "fed-cli"));
        } finally {
            System.setOut(stdout);
        }
        String trail = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        System.out.print(trail);
        assertTrue(trail.lines().anyMatch(l -> l.contains("coordinator:coordinator") && l.contains("CreateFederation")
                && l.contains("OK")), trail);
        assertTrue(trail.lines().anyMatch(l -> l.contains("auditor:auditor") && l.contains("StartTraining")
                && l.contains("PERMISSION_DENIED")), trail);
        assertEquals(1, io.fedfactory.deploy.admin.AdminCli.run("--aggregator", agg, "--tls-dir", dir, "--as",
                "coordinator:coordinator", "audit"));
    }

    @Test
    void aFederationCreatedAtTheAggregatorReachesTheInferenceService() throws Exception {
        ManagedChannel channel = ClientTls.of(pki.files(LocalIdentities.COORDINATOR)).channel("127.0.0.1", aggregator.grpcPort(), 4 << 20);
        try {
            FederationSpec spec = FederationSpec.newBuilder().setFederationId("fed-e2e")
                    .addLabelNames("melanoma").addLabelNames("nevus")
                    .setImageSpec(ImageSpec.newBuilder().setChannels(3).setHeight(32).setWidth(32).setValueMax(1))
                    .addAcceptedKinds(ModuleKind.MODULE_KIND_DIFFUSION).setSamplesPerClass(10).setSeed(1).build();
            long t0 = System.nanoTime();
            FederationAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .createFederation(CreateFederationRequest.newBuilder().setSpec(spec).build());

            HttpClient http = ClientTls.of(pki.files(LocalIdentities.APPLICATION)).httpClient(Duration.ofSeconds(5));
            HttpRequest get = HttpRequest.newBuilder(URI.create(inference.httpUrl() + "/v1/federations/fed-e2e")).build();
            HttpResponse<String> r;
            try {
                // Unknown (404) until the event arrives; never anything else.
                r = Awaitility.await("the inference service sees fed-e2e").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()), resp -> {
                            assertTrue(resp.statusCode() == 200 || resp.statusCode() == 404, resp.body());
                            return resp.statusCode() == 200;
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("the inference service never saw fed-e2e; its log:\n" + inference.logTail(40), e);
            }
            System.out.printf("event path aggregator -> broker -> inference: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
            JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
            assertEquals("[\"melanoma\",\"nevus\"]", body.get("labels").toString(), r.body());
            assertEquals("3x32x32", body.get("imageSpec").getAsString(), r.body());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
