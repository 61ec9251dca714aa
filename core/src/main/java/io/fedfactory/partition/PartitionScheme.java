package io.fedfactory.partition;

import io.fedfactory.data.Dataset;

/** A rule for splitting a dataset's images over sites. Same dataset and seed give the same partition. */
public interface PartitionScheme {

    Partition split(Dataset data, long seed);

    /** Short text naming the scheme and its parameters, recorded in every partition it makes. */
    String describe();
}
