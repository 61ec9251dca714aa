package io.fedfactory.console.pages;

import io.fedfactory.console.ConsoleSettings;
import io.fedfactory.console.aggregator.AggregatorClient;
import io.fedfactory.console.login.Session;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.SampleGrid;
import io.fedfactory.proto.v1.SampleGridRequest;
import io.fedfactory.security.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Sample grids, drawn by the aggregator on the first request (its ModuleSamples RPC samples the module
 * with ONNX Runtime from a fixed seed) and then kept as files: a module id is the hash of its bytes and
 * the seed is fixed, so a kept grid never goes stale. A site is shown a kept grid only of its own module.
 */
@ApplicationScoped
public class SampleGrids {

    @Inject
    ConsoleSettings settings;
    @Inject
    AggregatorClient aggregator;

    public byte[] grid(Session who, String federationId, String moduleId) {
        Path file = settings.console().cacheDir().resolve(federationId).resolve(moduleId + ".png");
        try {
            if (Files.isRegularFile(file)) {
                if (who.is(Role.SITE)) requireOwn(who, federationId, moduleId);
                return Files.readAllBytes(file);
            }
            SampleGrid g = aggregator.samples(who).getSampleGrid(SampleGridRequest.newBuilder().setFederationId(federationId)
                    .setModuleId(moduleId).build());
            byte[] png = g.getPng().toByteArray();
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.write(tmp, png);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("sample grid cache " + file, e);
        }
    }

    private void requireOwn(Session who, String federationId, String moduleId) {
        boolean own = aggregator.admin(who).listModules(ListModulesRequest.newBuilder().setFederationId(federationId)
                .setSiteId(who.siteId()).build()).getModulesList().stream().anyMatch(m -> m.getModuleId().equals(moduleId));
        if (!own) throw ConsoleError.forbidden(who.identity() + " may not see module " + moduleId + ": the site did not upload it");
    }
}
