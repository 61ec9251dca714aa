package io.fedfactory.inference.serving;

import io.fedfactory.proto.v1.ModelVersionInfo;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a version's verified bytes come from: the cache when it holds them intact, the aggregator
 * otherwise (the download lands in the cache). Either way the bytes hash to the published onnx_sha256.
 */
final class ModelSource implements AutoCloseable {

    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Verified bytes and where they came from ("cache" or "aggregator"). */
    record Fetched(byte[] bytes, String source) {
    }

    private final ModelCache cache;
    private final ModelDownloader downloader;

    ModelSource(ModelCache cache, ModelDownloader downloader) {
        this.cache = cache;
        this.downloader = downloader;
    }

    Fetched fetch(ModelVersionInfo info) throws FetchFailure {
        if (!SHA256.matcher(info.getOnnxSha256()).matches()) {
            throw new FetchFailure("info", info.getVersion() + ": the published onnx_sha256 '" + info.getOnnxSha256()
                    + "' is not 64 lowercase hex digits");
        }
        try {
            Optional<byte[]> cached = cache.read(info.getOnnxSha256(), info.getSizeBytes());
            if (cached.isPresent()) {
                return new Fetched(cached.get(), "cache");
            }
        } catch (IOException e) {
            throw new FetchFailure("cache_io", "cannot read the model cache " + cache.dir() + ": " + e.getMessage(), e);
        }
        return new Fetched(downloader.download(info), "aggregator");
    }

    /** Drops the cached bytes of a revoked version: it is never loaded again. */
    void forget(ModelVersionInfo revoked) throws IOException {
        if (SHA256.matcher(revoked.getOnnxSha256()).matches()) {
            cache.remove(revoked.getOnnxSha256());
        }
    }

    String describe() {
        return "cache " + cache.dir();
    }

    @Override
    public void close() {
        downloader.close();
    }
}
