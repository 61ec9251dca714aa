package io.fedfactory.bench.baseline;

/**
 * A FedAvg run: the number of communication rounds, local epochs per round, how many sites take part
 * in each round, and FedProx's proximal strength.
 *
 * @param rounds          communication rounds
 * @param localEpochs     passes over its own data each participating site makes per round
 * @param clientsPerRound sites drawn (seeded, without replacement) per round; 0 means all sites
 * @param proximalMu      FedProx's mu (the reference uses 0.1); 0 is plain FedAvg
 */
public record FedAvgConfig(int rounds, int localEpochs, int clientsPerRound, float proximalMu) {

    public static final int MAX_ROUNDS = 10_000;
    public static final int MAX_LOCAL_EPOCHS = 1_000;

    public FedAvgConfig {
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            throw new IllegalArgumentException("fedavg.rounds must be in [1, " + MAX_ROUNDS + "], got " + rounds);
        }
        if (localEpochs < 1 || localEpochs > MAX_LOCAL_EPOCHS) {
            throw new IllegalArgumentException("fedavg.localEpochs must be in [1, " + MAX_LOCAL_EPOCHS + "], got " + localEpochs);
        }
        if (clientsPerRound < 0) {
            throw new IllegalArgumentException("fedavg.clientsPerRound must be >= 0 (0 = all sites), got " + clientsPerRound);
        }
        if (!(proximalMu >= 0f) || !Float.isFinite(proximalMu)) {
            throw new IllegalArgumentException("fedavg.proximalMu must be finite and >= 0, got " + proximalMu);
        }
    }

    /** Plain FedAvg with every site in every round. */
    public static FedAvgConfig fedAvg(int rounds, int localEpochs) {
        return new FedAvgConfig(rounds, localEpochs, 0, 0f);
    }

    /** FedProx with every site in every round. */
    public static FedAvgConfig fedProx(int rounds, int localEpochs, float mu) {
        return new FedAvgConfig(rounds, localEpochs, 0, mu);
    }

    public FedAvgConfig withClientsPerRound(int clients) {
        return new FedAvgConfig(rounds, localEpochs, clients, proximalMu);
    }
}
