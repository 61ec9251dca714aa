package io.fedfactory.deploy.local;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.data.IdxFormat;
import io.fedfactory.partition.Partition;
import io.fedfactory.partition.SiteShard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts each site's share of a dataset on disk as IDX files, as a hospital would hold its own images:
 * its training images, and as local test data the test images of the classes it holds.
 */
final class SiteFiles {

    static List<Path> write(Dataset train, Dataset test, Partition partition, Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (int s = 0; s < partition.siteCount(); s++) {
            SiteShard shard = partition.site(s);
            Path dir = root.resolve(shard.siteId().replace('_', '-'));
            Files.createDirectories(dir);
            Dataset local = partition.siteDataset(train, s);
            Dataset localTest = Datasets.filterClasses(test, shard.siteId() + " test", shard.classes());
            IdxFormat.write(local, dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), true);
            IdxFormat.write(localTest, dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"), true);
            dirs.add(dir);
        }
        return dirs;
    }

    private SiteFiles() {
    }
}
