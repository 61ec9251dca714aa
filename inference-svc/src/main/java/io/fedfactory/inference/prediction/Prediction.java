package io.fedfactory.inference.prediction;

import java.util.List;

/** The answer to one request: the version that answered, and the top labels of each image in order. */
public record Prediction(String federationId, String modelVersion, List<List<LabelScore>> images) {

    /** One label with its probability; index is its position in the federation's label names. */
    public record LabelScore(String label, int index, float probability) {
    }

    /** The {@code k} most probable labels, highest first; ties go to the lower index. */
    static List<LabelScore> top(float[] probabilities, List<String> labels, int k) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> {
            int byP = Float.compare(probabilities[b], probabilities[a]);
            return byP != 0 ? byP : Integer.compare(a, b);
        });
        LabelScore[] top = new LabelScore[k];
        for (int i = 0; i < k; i++) top[i] = new LabelScore(labels.get(order[i]), order[i], probabilities[order[i]]);
        return List.of(top);
    }
}
