package io.fedfactory.synthesis;

/** Told after every batch a synthesis run writes, and for every shard reused from the cache. */
@FunctionalInterface
public interface SynthesisListener {

    SynthesisListener NONE = p -> { };

    void onProgress(SynthesisProgress progress);
}
