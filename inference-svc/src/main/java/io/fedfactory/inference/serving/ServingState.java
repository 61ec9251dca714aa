package io.fedfactory.inference.serving;

import io.fedfactory.proto.v1.ModelVersionInfo;

/** What a federation's serving slot holds. */
public sealed interface ServingState {

    /** The version requests are answered with. */
    ModelVersionInfo version();

    /** A loaded model answers requests. */
    record Serving(ServedModel model) implements ServingState {
        @Override
        public ModelVersionInfo version() {
            return model.info();
        }
    }

    /**
     * The served version was revoked: nothing answers until a newer unrevoked version is loaded.
     * Kept (not emptied) so that refusals can name the revoked version.
     */
    record Withdrawn(ModelVersionInfo version, String reason) implements ServingState {
    }
}
