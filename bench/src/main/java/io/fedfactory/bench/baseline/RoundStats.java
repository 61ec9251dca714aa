package io.fedfactory.bench.baseline;

import java.util.List;

/**
 * One FedAvg round.
 *
 * @param round             1-based round
 * @param participants      indices of the sites that trained and uploaded this round
 * @param learningRate      local learning rate of the round
 * @param meanLocalLoss     example-weighted mean of the participants' last-epoch training loss
 * @param meanLocalAccuracy example-weighted mean of their last-epoch training accuracy
 * @param seconds           wall time of the round
 */
public record RoundStats(int round, List<Integer> participants, float learningRate, double meanLocalLoss,
                         double meanLocalAccuracy, double seconds) {

    public RoundStats {
        participants = List.copyOf(participants);
    }
}
