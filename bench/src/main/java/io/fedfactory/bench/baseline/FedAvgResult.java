package io.fedfactory.bench.baseline;

import io.fedfactory.classifier.TrainedClassifier;

import java.time.Duration;
import java.util.List;

/**
 * The global model after the last round, with the communication it cost.
 *
 * @param model            the averaged classifier; its history has one entry per round
 * @param rounds           what each round did
 * @param bytesPerUpload   bytes of one model upload (all tensors as float32)
 * @param bytesSentPerSite bytes each site uploaded over the run (one model per round it took part in)
 * @param wallTime         wall time of the whole run
 */
public record FedAvgResult(TrainedClassifier model, List<RoundStats> rounds, long bytesPerUpload,
                           long[] bytesSentPerSite, Duration wallTime) {

    public FedAvgResult {
        rounds = List.copyOf(rounds);
        bytesSentPerSite = bytesSentPerSite.clone();
    }

    @Override
    public long[] bytesSentPerSite() {
        return bytesSentPerSite.clone();
    }

    public long totalBytesSent() {
        long sum = 0;
        for (long b : bytesSentPerSite) sum += b;
        return sum;
    }
}
