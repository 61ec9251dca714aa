package io.fedfactory.lineage;

import com.google.protobuf.util.JsonFormat;
import io.fedfactory.proto.v1.ModelLineage;

import java.nio.file.Files;
import java.nio.file.Path;

/** Retrains from a lineage file and a module folder in its own JVM; prints the weight hash. */
public final class LineageProbe {

    static final String PREFIX = "lineage-weights=";

    public static void main(String[] args) throws Exception {
        ModelLineage.Builder b = ModelLineage.newBuilder();
        JsonFormat.parser().merge(Files.readString(Path.of(args[0])), b);
        LineageRetraining.Result r = LineageRetraining.retrain(b.build(), ModuleFiles.scan(Path.of(args[1])),
                Files.createTempDirectory("probe-shards"));
        System.out.println("shard-mismatches=" + r.shardMismatches().size());
        System.out.println(PREFIX + r.classifier().weightHash());
    }
}
