package io.fedfactory.deploy.local;

import com.google.protobuf.util.JsonFormat;
import io.fedfactory.deploy.kafka.SharedKafkaBroker;
import io.fedfactory.deploy.pki.LocalIdentities;
import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.ClosePolicy;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DecoderSampler;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.security.CertificateAuthority;
import io.fedfactory.security.Credential;
import io.fedfactory.security.Identity;
import io.fedfactory.login.LoginTokens;
import io.fedfactory.security.Pem;
import io.fedfactory.security.PkiDirectory;
import io.fedfactory.security.Role;
import io.fedfactory.security.SignedMessages;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser: headless chromium (Debian's chromium and chromium-driver, driven by
 * Selenium) against the packaged console and aggregator on a real broker, over HTTPS. A small
 * federation of tiny decoder modules goes from uploads to a served v1; an auditor then deletes a site
 * and sees v1 revoked, v2 published and the certificate verified. Access: no credential, a site on the
 * auditor's pages, a site asking for another site's modules, all refused. Screenshots of each page go to
 * {@code target/console-screenshots/}; the figures (page load with 10 sites and 100 modules, Kafka to page)
 * are printed.
 */
class ConsoleIT {

    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final List<String> SITES = LocalIdentities.siteIds(10);
    static final List<String> LABELS = List.of("cat", "dog", "owl");
    static final ImageSpec IMAGE = ImageSpec.newBuilder().setChannels(1).setHeight(8).setWidth(8).setValueMin(0).setValueMax(1).build();
    static final Identity SITE_A = Identity.site(SITES.get(0));

    static ServiceProcess aggregator;
    static ServiceProcess console;
    static PkiDirectory pki;
    static ChromeDriver browser;
    static HttpClient https;

    @BeforeAll
    static void start() throws Exception {
        pki = new PkiDirectory(EventPathIT.PKI);
        pki.ensure(LocalIdentities.of(SITES, List.of("auditor"), List.of("demo-app")));
        String kafka = SharedKafkaBroker.bootstrapServers();
        Path state = Files.createTempDirectory(Path.of("target"), "console-");
        Path root = EventPathIT.ROOT;
        aggregator = ServiceProcess.start("aggregator", root.resolve("aggregator/target/quarkus-app/quarkus-run.jar"),
                Map.of("kafka.bootstrap.servers", kafka, "fedfactory.aggregator.data-dir", state.resolve("aggregator").toString(),
                        "ai.djl.offline", "true", "ai.djl.pytorch.num_interop_threads", "1",
                        "fedfactory.limits.requests-per-second", "1000", "fedfactory.limits.burst", "1000",
                        "fedfactory.progress.interval-seconds", "0.2"),
                "1g", EventPathIT.LOGS, Map.of("DJL_CACHE_DIR", root.resolve(".cache/djl").toString(), "OMP_NUM_THREADS", "1"),
                List.of(), ServiceTls.of(pki.files(LocalIdentities.AGGREGATOR)));
        aggregator.awaitReady(Duration.ofSeconds(180));
        console = ServiceProcess.start("console", root.resolve("console/target/quarkus-app/quarkus-run.jar"),
                Map.of("kafka.bootstrap.servers", kafka, "fedfactory.console.aggregator", "127.0.0.1:" + aggregator.grpcPort(),
                        "fedfactory.console.cache-dir", state.resolve("grids").toString()),
                "256m", EventPathIT.LOGS, ServiceTls.of(pki.files(LocalIdentities.CONSOLE)));
        console.awaitReady(Duration.ofSeconds(120));
        https = ClientTls.trustingOnly(pki.caCertificate(), Duration.ofSeconds(5));
        browser = chromium(Pem.readCertificate(pki.files(LocalIdentities.CONSOLE).certificate()));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (console != null) console.close();
        if (aggregator != null) aggregator.close();
    }

    /** Debian's chromium, headless, trusting exactly the console's key (nothing else is accepted without the CA). */
    static ChromeDriver chromium(X509Certificate consoleCertificate) throws Exception {
        File driver = new File("/usr/bin/chromedriver");
        File binary = new File("/usr/bin/chromium");
        if (!driver.canExecute() || !binary.canExecute()) {
            throw new IllegalStateException("ConsoleIT needs Debian's chromium and chromium-driver "
                    + "(apt-get install -y chromium chromium-driver; .ci/run installs them)");
        }
        String spki = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(consoleCertificate.getPublicKey().getEncoded()));
        ChromeOptions options = new ChromeOptions().setBinary(binary)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,900", "--ignore-certificate-errors-spki-list=" + spki,
                        "--user-data-dir=" + Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().window().setSize(new Dimension(1280, 900));
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return d;
    }

    @Test
    void aCoordinatorAnAuditorAndASiteUseTheConsole() throws Exception {
        String fed = "fed-console";
        refusedWithoutCredential();

        ManagedChannel coordinator = ClientTls.of(pki.files(LocalIdentities.COORDINATOR)).channel("127.0.0.1", aggregator.grpcPort(), 8 << 20);
        try {
            FederationAdminGrpc.newBlockingStub(coordinator).withDeadlineAfter(30, TimeUnit.SECONDS).createFederation(
                    CreateFederationRequest.newBuilder().setSpec(spec(fed, List.of(SITES.get(0), SITES.get(1), SITES.get(2)), LABELS,
                            240, 3)).build());
        } finally {
            coordinator.shutdownNow();
        }

        // The coordinator watches uploads arrive: three admitted, one rejected with its failed check.
        login(LocalIdentities.COORDINATOR);
        waitFor(() -> {
            open("/federations");
            return text("federations").contains(fed);
        }, "the federation in the list");
        open("/federations/" + fed);
        waitLive();
        for (int s = 0; s < 3; s++) upload(fed, SITES.get(s), LABELS.get(s), 100 + s);
        rejectedUpload(fed, SITES.get(1));
        waitFor(() -> count("#events li.event-module_admitted") == 3 && count("#events li.event-module_rejected") == 1,
                "three admissions and one rejection in the live events");
        assertEquals("3", text("module-count"), "the module count followed the admissions");
        shot("federation-uploads");

        // Training, started from the page: progress moves, then v1 is served.
        browser.navigate().refresh();
        waitLive();
        assertTrue(text("sites").contains("manifest"), "the rejected upload shows its failed check: " + text("sites"));
        browser.findElement(By.id("train")).click();
        waitLive();
        TreeSet<String> percents = new TreeSet<>();
        waitFor(() -> {
            percents.add(browser.findElement(By.id("training-bar")).getAttribute("value"));
            return text("served").equals(fed + "-v1");
        }, "v1 served", Duration.ofMinutes(4));
        List<String> progress = lines("#events li.event-training_progress");
        assertTrue(progress.size() >= 2, "training progress moved: " + progress);
        assertTrue(count("#events li.event-synthesis_progress") >= 1, "synthesis progress shown");
        shot("federation-training");
        List<Double> delays = delays();

        open("/federations/" + fed + "/versions");
        assertTrue(browser.findElement(By.id("version-" + fed + "-v1")).getAttribute("class").contains("served"));
        assertEquals(fed + "-v1", text("served"));

        open("/federations/" + fed + "/modules");
        assertEquals(3, count("tr.module"));
        shot("modules");
        browser.findElement(By.cssSelector("tr.module a")).click();
        WebElement grid = browser.findElement(By.id("grid"));
        waitFor(() -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0;", grid)),
                "the sample grid rendered", Duration.ofSeconds(60));
        shot("module-grid");

        // A site: its own modules only, refused the auditor's pages.
        login(SITE_A);
        open("/federations/" + fed + "/modules");
        assertEquals(1, count("tr.module"), "a site sees only its own modules");
        assertTrue(text("modules").contains(SITES.get(0)) && !text("modules").contains(SITES.get(1)), text("modules"));
        open("/federations/" + fed + "/unlearn");
        assertTrue(text("error").contains("requires role auditor"), text("error"));
        assertEquals("403", browser.findElement(By.id("error")).getAttribute("data-status"));
        shot("site-refused");
        siteRefusedOverHttps(fed);

        // The auditor deletes a site and watches revocation, retraining and the certificate.
        login(LocalIdentities.AUDITOR);
        open("/federations/" + fed + "/unlearn");
        new Select(browser.findElement(By.id("site_id"))).selectByValue(SITES.get(2));
        browser.findElement(By.id("reason")).sendKeys("consent withdrawn");
        shot("unlearn");
        browser.findElement(By.id("delete")).click();
        waitFor(() -> browser.getCurrentUrl().contains("/certificates/"), "the certificate page");
        String certificateId = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
        waitFor(() -> browser.findElements(By.id("verification")).size() == 1, "the certificate complete", Duration.ofMinutes(4));
        assertTrue(text("revoked").contains(fed + "-v1"), text("revoked"));
        assertTrue(text("verification").startsWith("OK: signed by service:aggregator"), text("verification"));
        assertTrue(text("verification").contains("matches"), text("verification"));
        assertEquals(fed + "-v2", text("new-version"));
        shot("certificate");
        downloadedCertificateVerifies(certificateId);

        open("/federations/" + fed + "/versions");
        String v1 = browser.findElement(By.id("version-" + fed + "-v1")).getText();
        assertTrue(v1.contains("revoked") && v1.contains("consent withdrawn"), v1);
        assertEquals(fed + "-v2", text("served"));
        shot("versions");

        open("/audit?actor=" + URLEncoder.encode("auditor:auditor", StandardCharsets.UTF_8) + "&action=DeleteModules");
        assertTrue(text("audit").contains("auditor:auditor via service:console"), text("audit"));
        shot("audit");
        open("/audit?from=yesterday");
        assertTrue(text("error").startsWith("from: must be an RFC 3339 time"), text("error"));
        badFormsAreRefusedNamingTheField(fed);

        pageLoadWithTenSitesAndAHundredModules(delays);
    }

    /** Nothing but the login page without a session; tokens that prove nothing are refused naming why. */
    void refusedWithoutCredential() throws Exception {
        HttpResponse<String> r = get("/federations", null);
        assertEquals(303, r.statusCode());
        assertEquals("/login", URI.create(r.headers().firstValue("Location").orElse("")).getPath());
        for (String path : new String[] {"/events/fed-console", "/audit", "/certificates/x.json",
                "/federations/fed-console/modules/" + "0".repeat(64) + "/grid.png"}) {
            HttpResponse<String> refused = https.send(HttpRequest.newBuilder(URI.create(console.httpUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), path);
        }
        assertTrue(postLogin("not a token!").body().contains("token is not a login token"));
        CertificateAuthority foreign = CertificateAuthority.create("other", Instant.now().minusSeconds(5), Duration.ofDays(1),
                new SecureRandom());
        Credential stranger = foreign.issueLoopback(LocalIdentities.AUDITOR, Instant.now().minusSeconds(5), Duration.ofDays(1));
        HttpResponse<String> foreignLogin = postLogin(LoginTokens.encode(LoginTokens.issue(stranger, Duration.ofMinutes(5), Instant.now())));
        assertEquals(401, foreignLogin.statusCode());
        assertTrue(foreignLogin.body().contains("not trusted"), foreignLogin.body());

        browser.manage().deleteAllCookies();
        open("/federations");
        assertTrue(browser.getCurrentUrl().endsWith("/login"), browser.getCurrentUrl());
        assertTrue(browser.findElements(By.id("federations")).isEmpty());
        shot("login");
    }

    /** A site's forged requests over HTTPS: the auditor's form, another site's sample grid. */
    void siteRefusedOverHttps(String fed) throws Exception {
        String cookie = "fedfactory_console=" + browser.manage().getCookieNamed("fedfactory_console").getValue();
        String csrf = browser.findElement(By.name("csrf")).getAttribute("value");
        HttpResponse<String> r = post("/federations/" + fed + "/unlearn", cookie,
                "csrf=" + csrf + "&site_id=" + SITES.get(1) + "&reason=mine");
        assertEquals(403, r.statusCode(), r.body());
        String otherModule = moduleIdOf(fed, SITES.get(1));
        r = get("/federations/" + fed + "/modules/" + otherModule + "/grid.png", cookie, "image/png, */*");
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("did not upload it"), r.body());
    }

    void badFormsAreRefusedNamingTheField(String fed) throws Exception {
        String cookie = "fedfactory_console=" + browser.manage().getCookieNamed("fedfactory_console").getValue();
        open("/federations/" + fed + "/unlearn");
        String csrf = browser.findElement(By.name("csrf")).getAttribute("value");
        HttpResponse<String> r = post("/federations/" + fed + "/unlearn", cookie, "csrf=" + csrf + "&site_id=" + SITES.get(1) + "&reason=");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("reason: must be 1 to 1000 characters, got 0"), r.body());
        r = post("/federations/" + fed + "/unlearn", cookie, "site_id=" + SITES.get(1) + "&reason=x");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("csrf: the form&#39;s token does not match") || r.body().contains("csrf: the form"), r.body());
        r = post("/federations/" + fed + "/unlearn", cookie, "csrf=" + csrf + "&module_ids=xyz&reason=x");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("module_ids: must be 64 lower-case hex digits"), r.body());
        r = post("/federations/" + fed + "/unlearn", cookie, "csrf=" + csrf + "&reason=x");
        assertTrue(r.body().contains("site_id: choose either a site"), r.body());
        r = get("/federations/" + "a".repeat(200), cookie);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("federation_id: must match"), r.body());
    }

    void downloadedCertificateVerifies(String certificateId) throws Exception {
        String cookie = "fedfactory_console=" + browser.manage().getCookieNamed("fedfactory_console").getValue();
        // As a browser follows the download link: the JSON, or anything.
        HttpResponse<String> r = get("/certificates/" + certificateId + ".json", cookie, "application/json, */*;q=0.8");
        assertEquals(200, r.statusCode(), r.body());
        UnlearningCertificate.Builder b = UnlearningCertificate.newBuilder();
        JsonFormat.parser().merge(r.body(), b);
        SignedMessages.verify(b.build(), Pem.readCertificate(pki.caCertificate()), LocalIdentities.AGGREGATOR, Instant.now());
    }

    /**
     * The figure the issue asks for: page load with 10 sites and 100 modules (each site uploads ten
     * tiny modules), navigation start to load end in chromium, five loads per page; and the delay from
     * the Kafka record's timestamp to the event's arrival in the page, over the main test's live events.
     */
    void pageLoadWithTenSitesAndAHundredModules(List<Double> delays) throws Exception {
        String fed = "fed-console-100";
        ManagedChannel coordinator = ClientTls.of(pki.files(LocalIdentities.COORDINATOR)).channel("127.0.0.1", aggregator.grpcPort(), 8 << 20);
        try {
            FederationAdminGrpc.newBlockingStub(coordinator).withDeadlineAfter(30, TimeUnit.SECONDS).createFederation(
                    CreateFederationRequest.newBuilder().setSpec(spec(fed, SITES, SITES.stream().map(s -> "class-" + s).toList(), 16, 1))
                            .build());
        } finally {
            coordinator.shutdownNow();
        }
        long t0 = System.nanoTime();
        for (int s = 0; s < SITES.size(); s++) {
            for (int k = 0; k < 10; k++) upload(fed, SITES.get(s), "class-" + SITES.get(s), 1000 + s * 10L + k);
        }
        System.out.printf("[console] 100 tiny modules uploaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        login(LocalIdentities.COORDINATOR);
        for (String page : new String[] {"/federations", "/federations/" + fed, "/federations/" + fed + "/modules",
                "/federations/" + fed + "/versions"}) {
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                open(page);
                waitFor(() -> "complete".equals(js("return document.readyState;")), "page loaded");
                Object v = js("const t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd - t.startTime;");
                ms.add(((Number) v).doubleValue());
            }
            ms.sort(Double::compare);
            System.out.printf("[console] page load %s (10 sites, 100 modules): median %.0f ms, min %.0f, max %.0f (5 loads)%n",
                    page, ms.get(2), ms.get(0), ms.get(4));
        }
        open("/federations/" + fed + "/modules");
        assertEquals(100, count("tr.module"));
        shot("modules-100");
        open("/federations");
        assertTrue(text("federations").contains(fed), "the list shows the federation of 100 modules");
        shot("federations");
        delays.sort(Double::compare);
        System.out.printf("[console] Kafka record to page: %d live events, median %.0f ms, max %.0f ms%n", delays.size(),
                delays.isEmpty() ? Double.NaN : delays.get(delays.size() / 2), delays.isEmpty() ? Double.NaN : delays.get(delays.size() - 1));
    }

    static FederationSpec spec(String id, List<String> sites, List<String> labels, int samplesPerClass, int epochs) {
        return FederationSpec.newBuilder().setFederationId(id).addAllLabelNames(labels).setImageSpec(IMAGE)
                .addAcceptedKinds(ModuleKind.MODULE_KIND_DECODER).setSamplesPerClass(samplesPerClass).setSeed(7)
                .setRecipe(ClassifierRecipe.newBuilder().setBaseWidth(4).addBlocksPerStage(1).setEpochs(epochs).setBatchSize(16)
                        .setLearningRate(0.05f).setMomentum(0.9f).setWeightDecay(1e-4f).setThreads(1))
                .setClosePolicy(ClosePolicy.newBuilder().setManual(true)).addAllEnrolledSiteIds(sites).build();
    }

    static String upload(String fed, String site, String label, long variant) throws InterruptedException {
        byte[] onnx = TinyDecoder.bytes(variant);
        return new ResumingUpload(ClientTls.of(pki.files(Identity.site(site))), aggregator.grpcPort(), fed, manifest(site, label, onnx),
                onnx, null).upload();
    }

    /** A module declaring a class the federation does not have: refused by the manifest check. */
    static void rejectedUpload(String fed, String site) {
        byte[] onnx = TinyDecoder.bytes(999);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> new ResumingUpload(
                ClientTls.of(pki.files(Identity.site(site))), aggregator.grpcPort(), fed, manifest(site, "zebra", onnx), onnx, null).once());
        assertEquals("MANIFEST", TypedErrors.reason(e), e.getStatus().toString());
    }

    static ModuleManifest manifest(String site, String label, byte[] onnx) {
        return ModuleManifest.newBuilder().setKind(ModuleKind.MODULE_KIND_DECODER).addClasses(label).setImageSpec(IMAGE)
                .setDecoder(DecoderSampler.newBuilder().setLatentDim(TinyDecoder.LATENT)).setSiteId(site)
                .setContentSha256(TinyDecoder.sha256(onnx)).build();
    }

    static String moduleIdOf(String fed, String site) {
        ManagedChannel ch = ClientTls.of(pki.files(LocalIdentities.COORDINATOR)).channel("127.0.0.1", aggregator.grpcPort(), 8 << 20);
        try {
            return FederationAdminGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).listModules(
                    io.fedfactory.proto.v1.ListModulesRequest.newBuilder().setFederationId(fed).setSiteId(site).build())
                    .getModules(0).getModuleId();
        } finally {
            ch.shutdownNow();
        }
    }

    /** Logs in through the login page, as a person does: the token that `fedfactory-admin login-token` prints. */
    static void login(Identity who) throws Exception {
        browser.manage().deleteAllCookies();
        open("/login");
        Credential c = Credential.read(pki.files(who).certificate(), pki.files(who).privateKey());
        String token = LoginTokens.encode(LoginTokens.issue(c, Duration.ofMinutes(30), Instant.now()));
        WebElement field = browser.findElement(By.id("token"));
        js("arguments[0].value = arguments[1];", field, token);
        browser.findElement(By.id("login-submit")).click();
        waitFor(() -> browser.findElements(By.id("who")).size() == 1, "logged in as " + who);
        assertEquals(who.toString(), text("who"));
        assertEquals(Role.valueOf(who.role().name()), who.role());
    }

    static void open(String path) {
        browser.get(console.httpUrl() + path);
    }

    static void waitLive() {
        waitFor(() -> Boolean.TRUE.equals(js("return window.fedfactory && window.fedfactory.live;")), "the live event stream");
    }

    @SuppressWarnings("unchecked")
    static List<Double> delays() {
        List<Object> raw = (List<Object>) js("return window.fedfactory.delaysMs;");
        List<Double> out = new ArrayList<>();
        for (Object o : raw) out.add(((Number) o).doubleValue());
        return out;
    }

    static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    static int count(String css) {
        return browser.findElements(By.cssSelector(css)).size();
    }

    static List<String> lines(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) {
        waitFor(condition, what, Duration.ofSeconds(60));
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what, Duration limit) {
        try {
            new WebDriverWait(browser, limit, Duration.ofMillis(100)).withMessage(what).until(d -> condition.getAsBoolean());
        } catch (RuntimeException e) {
            shot("failed");
            throw new AssertionError("waited " + limit.toSeconds() + " s for " + what + " on " + browser.getCurrentUrl()
                    + "; console log:\n" + console.logTail(30) + "\naggregator log:\n" + aggregator.logTail(30), e);
        }
    }

    static void shot(String name) {
        try {
            Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static HttpResponse<String> get(String path, String cookie) throws Exception {
        return get(path, cookie, "text/html");
    }

    /** As a browser asks: an image request accepts images (a page request only HTML). */
    static HttpResponse<String> get(String path, String cookie, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(console.httpUrl() + path)).header("Accept", accept);
        if (cookie != null) b.header("Cookie", cookie);
        return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(console.httpUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) b.header("Cookie", cookie);
        return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postLogin(String token) throws Exception {
        return post("/login", null, "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }
}
