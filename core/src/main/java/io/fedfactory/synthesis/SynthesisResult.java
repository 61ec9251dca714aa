package io.fedfactory.synthesis;

import io.fedfactory.data.Dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The shards a plan produced, in plan order. */
public record SynthesisResult(SynthesisPlan plan, List<ShardRecord> shards) {

    public SynthesisResult {
        shards = List.copyOf(shards);
    }

    /** Shard file name to SHA-256: what a later run can be given to verify cached shards. */
    public Map<String, String> hashesByFileName() {
        return shards.stream().collect(Collectors.toUnmodifiableMap(s -> s.file().getFileName().toString(),
                ShardRecord::sha256));
    }

    /** The synthetic dataset (shards joined in module-id order). */
    public Dataset load(String name) throws IOException {
        List<Path> files = shards.stream().map(ShardRecord::file).toList();
        return ShardReader.load(files, plan.classNames(), name);
    }
}
