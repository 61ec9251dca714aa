package io.fedfactory.aggregator.training;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

/** StartTraining cannot run now (FAILED_PRECONDITION): nothing to train from, or already training. */
public class TrainingRefusedException extends Refusal {
    public TrainingRefusedException(String reason, String message) {
        super(Status.Code.FAILED_PRECONDITION, reason, message);
    }
}
