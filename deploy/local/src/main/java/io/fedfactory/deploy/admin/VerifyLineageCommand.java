package io.fedfactory.deploy.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fedfactory.lineage.LineageRecord;
import io.fedfactory.lineage.LineageRetraining;
import io.fedfactory.lineage.ModuleFiles;
import io.fedfactory.proto.v1.ModelLineage;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.PlannedModule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Retrains a model version from its lineage and the module files, offline, and compares the weight
 * hash with the recorded one: what an auditor runs to check a version (or a certificate's new version)
 * without trusting the aggregator's own from-scratch check.
 */
@Command(name = "verify-lineage", mixinStandardHelpOptions = true,
        description = {"Retrain a model version from its lineage and the module files alone, offline: re-synthesize "
                + "the recorded plan with the recorded sampler settings, train the recorded recipe, and compare every "
                + "shard hash and the weight hash with the record.",
                "Prints MATCH or DIFFERS with both hashes; exit code 0 on a match, 1 when anything differs, 2 when a "
                        + "file cannot be read. Runs the training here: minutes for the local federation's recipe."})
final class VerifyLineageCommand implements Callable<Integer> {

    @Option(names = "--lineage", required = true, description = "The lineage: an exported ONNX model (its "
            + LineageRecord.METADATA_KEY + " metadata), a certificate saved with `certificate --out`, or protobuf "
            + "JSON of a ModelLineage or of a version as `versions` prints it.")
    Path lineage;
    @Option(names = "--modules", required = true,
            description = "Folder with the module files (ONNX), under any names: each is known by its SHA-256.")
    Path modules;
    @Option(names = "--work-dir", description = "Where shards are written (default: a new temporary folder).")
    Path workDir;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        ModelLineage record;
        ModuleFiles files;
        try {
            record = read(lineage);
            files = ModuleFiles.scan(modules);
        } catch (IOException | IllegalArgumentException e) {
            out.println("CANNOT VERIFY: " + e.getMessage());
            return 2;
        }
        List<String> missing = record.getPlanList().stream().map(PlannedModule::getModuleId)
                .filter(id -> !files.ids().contains(id)).toList();
        if (!missing.isEmpty()) {
            out.println("CANNOT VERIFY: no file in " + modules + " holds module(s) " + missing);
            return 2;
        }
        Path shards = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("verify-lineage");
        LineageRetraining.Result r = LineageRetraining.retrain(record, files, shards);
        r.shardMismatches().forEach(m -> out.println("shard differs: " + m));
        boolean match = r.weightsMatch(record) && r.shardMismatches().isEmpty();
        out.printf("%s: %s of %s retrained from %d modules (code %s): weights %s, recorded %s%n",
                match ? "MATCH" : "DIFFERS", record.getFederationId(), lineage, record.getPlanCount(),
                record.getCodeVersion(), r.classifier().weightHash(), record.getWeightSha256());
        return match ? 0 : 1;
    }

    /** The lineage in any of the forms the tools write. */
    static ModelLineage read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        if (name.endsWith(".onnx")) {
            return LineageRecord.read(bytes).orElseThrow(() -> new IOException(file + " is an ONNX model without "
                    + LineageRecord.METADATA_KEY + " metadata"));
        }
        if (CertificateFiles.binary(file)) return CertificateFiles.read(file).getNewVersionLineage();
        String json = new String(bytes, StandardCharsets.UTF_8);
        try {
            if (json.contains("\"certificateId\"")) return CertificateFiles.read(file).getNewVersionLineage();
            if (json.contains("\"fullLineage\"")) {
                ModelVersionInfo.Builder v = ModelVersionInfo.newBuilder();
                JsonFormat.parser().ignoringUnknownFields().merge(json, v);
                return v.getFullLineage();
            }
            ModelLineage.Builder b = ModelLineage.newBuilder();
            JsonFormat.parser().merge(json, b);
            return b.build();
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + " is not a lineage (protobuf JSON of ModelLineage, a version or a certificate): "
                    + e.getMessage(), e);
        }
    }
}
