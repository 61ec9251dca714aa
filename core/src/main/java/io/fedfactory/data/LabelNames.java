package io.fedfactory.data;

import java.util.ArrayList;
import java.util.List;

/** Class-name conventions shared by the loaders. */
final class LabelNames {

    private LabelNames() {}

    /** "0", "1", ..., "k-1": the names a dataset gets when its files carry none. */
    static List<String> numbered(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) names.add(Integer.toString(i));
        return List.copyOf(names);
    }

    /** Fails naming the file when a label does not index one of {@code k} names. */
    static void checkRange(String source, int[] labels, int k) throws MalformedDataException {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new MalformedDataException(source, "label[" + i + "] = " + labels[i]
                        + " is outside [0, " + k + ") for " + k + " label names");
            }
        }
    }
}
