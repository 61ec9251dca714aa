package io.fedfactory.privacy;

/**
 * Exact nearest neighbours by Euclidean distance, brute force over flat row-major vectors. The
 * references of a site's class are a few thousand images, small enough that an exact search costs
 * seconds and no index library is needed.
 *
 * @param distance per query, the distance to its nearest reference
 * @param index    per query, the index of that reference
 */
public record NearestNeighbours(double[] distance, int[] index) {

    /** For each of the {@code queries.length / dim} queries, its nearest row of {@code references}. */
    public static NearestNeighbours of(float[] queries, float[] references, int dim) {
        if (dim < 1 || queries.length % dim != 0 || references.length % dim != 0) {
            throw new IllegalArgumentException("nearest neighbours: vectors of " + dim + " values, got arrays of "
                    + queries.length + " and " + references.length);
        }
        int nq = queries.length / dim;
        int nr = references.length / dim;
        if (nr == 0) throw new IllegalArgumentException("nearest neighbours: no references");
        double[] distance = new double[nq];
        int[] index = new int[nq];
        for (int q = 0; q < nq; q++) {
            int qo = q * dim;
            float best = Float.POSITIVE_INFINITY;
            int bestIndex = -1;
            for (int r = 0; r < nr; r++) {
                int ro = r * dim;
                float sum = 0;
                for (int k = 0; k < dim; k++) {
                    float d = queries[qo + k] - references[ro + k];
                    sum += d * d;
                }
                if (sum < best) {
                    best = sum;
                    bestIndex = r;
                }
            }
            distance[q] = Math.sqrt(best);
            index[q] = bestIndex;
        }
        return new NearestNeighbours(distance, index);
    }
}
