package io.fedfactory.aggregator.samples;

import io.fedfactory.aggregator.errors.Refusal;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.imaging.SampleGrid;
import io.fedfactory.lineage.WireManifests;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.ModuleSamplesGrpc;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.SampleGridRequest;
import io.fedfactory.proto.v1.SampleGrid.Builder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * A module's sample grid for the console: drawn with ONNX Runtime by core's {@link ModuleSampler} from
 * a seed fixed by the federation's seed and the module id, rendered by core's {@link SampleGrid}. The
 * module's bytes never leave the aggregator; the picture is synthetic. Roles are checked by the access
 * interceptor (a site only for a module it uploaded).
 */
public class ModuleSamplesService extends ModuleSamplesGrpc.ModuleSamplesImplBase {

    static final int DEFAULT_SAMPLES = 16;
    static final int MAX_SAMPLES = 64;
    static final int COLUMNS = 8;

    private final AggregatorStore store;

    /** Served by {@code GrpcEndpoint} behind the access interceptor. */
    public ModuleSamplesService(AggregatorStore store) {
        this.store = store;
    }

    /** The seed of a module's grid: fixed, so the same module always shows the same samples. */
    public static long seed(long federationSeed, String moduleId) {
        return SplitMix64.derive(federationSeed, "sample-grid", moduleId);
    }

    @Override
    public void getSampleGrid(SampleGridRequest request, StreamObserver<io.fedfactory.proto.v1.SampleGrid> response) {
        try {
            response.onNext(render(request));
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(Refusal.toStatus(e));
        }
    }

    private io.fedfactory.proto.v1.SampleGrid render(SampleGridRequest request) {
        if (request.getSamples() < 0 || request.getSamples() > MAX_SAMPLES) {
            throw new Refusal(Status.Code.INVALID_ARGUMENT, "SAMPLES", "samples must be in [0, " + MAX_SAMPLES + "] (0: "
                    + DEFAULT_SAMPLES + "), got " + request.getSamples()).with(TypedErrors.FIELD, "samples")
                    .with(TypedErrors.VALUE, request.getSamples()).with(TypedErrors.LIMIT, MAX_SAMPLES);
        }
        StoredFederation federation = store.federation(request.getFederationId()).orElseThrow(() -> new Refusal(
                Status.Code.NOT_FOUND, "UNKNOWN_FEDERATION", "no federation '" + request.getFederationId() + "'")
                .with(TypedErrors.FIELD, "federation_id"));
        StoredModule module = store.module(request.getModuleId())
                .filter(m -> m.getFederationId().equals(request.getFederationId()))
                .filter(m -> m.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED)
                .orElseThrow(() -> new Refusal(Status.Code.NOT_FOUND, "UNKNOWN_MODULE", "no admitted module '"
                        + request.getModuleId() + "' in federation '" + request.getFederationId() + "'")
                        .with(TypedErrors.FIELD, "module_id"));
        int n = request.getSamples() == 0 ? DEFAULT_SAMPLES : request.getSamples();
        long seed = seed(federation.getSpec().getSeed(), request.getModuleId());
        ModuleManifest manifest = WireManifests.toCore(module.getRecord().getManifest(), federation.getSpec());
        try {
            byte[] onnx = Files.readAllBytes(store.moduleBytes(request.getModuleId()));
            float[] images;
            try (ModuleSampler sampler = ModuleSampler.open(onnx, manifest, SamplingOptions.defaults().withThreads(1))) {
                images = sampler.sample(n, seed);
            }
            int pixels = manifest.spec().pixels();
            List<String> names = new ArrayList<>();
            List<List<float[]>> rows = new ArrayList<>();
            String label = String.join(", ", manifest.classes().stream().map(c -> c.name()).toList());
            for (int i = 0; i < n; i++) {
                if (i % COLUMNS == 0) {
                    names.add(i == 0 ? label : "");
                    rows.add(new ArrayList<>());
                }
                float[] image = new float[pixels];
                System.arraycopy(images, i * pixels, image, 0, pixels);
                rows.get(rows.size() - 1).add(image);
            }
            int side = Math.max(manifest.spec().height(), manifest.spec().width());
            int scale = Math.max(1, Math.min(16, 96 / side));
            byte[] png = new SampleGrid(manifest.spec(), names, rows, scale).toPng();
            Builder b = io.fedfactory.proto.v1.SampleGrid.newBuilder().setModuleId(request.getModuleId()).setSeed(seed)
                    .setSamples(n).setPng(com.google.protobuf.ByteString.copyFrom(png));
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sample module " + request.getModuleId(), e);
        }
    }
}
