package io.fedfactory.generative;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Real Fashion-MNIST images from the test classpath (IDX files in the kotlin-deeplearning-api jar). */
public final class FashionMnist {

    public static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final ImageSpec SPEC = ImageSpec.unitRange(1, 28, 28);

    private FashionMnist() {}

    /** Up to {@code max} images of class {@code label} from the 10k test split, pixels in [0, 1]. */
    public static Dataset testImagesOfClass(int label, int max) throws IOException {
        byte[] labels = read("datasets/fashionmnist/t10k-labels-idx1-ubyte.gz", 0x801, 1);
        byte[] images = read("datasets/fashionmnist/t10k-images-idx3-ubyte.gz", 0x803, 784);
        int count = 0;
        for (byte l : labels) if (l == label && count < max) count++;
        float[] px = new float[count * 784];
        int[] lb = new int[count];
        int j = 0;
        for (int i = 0; i < labels.length && j < count; i++) {
            if (labels[i] != label) continue;
            for (int p = 0; p < 784; p++) px[j * 784 + p] = (images[i * 784 + p] & 0xff) / 255f;
            lb[j++] = label;
        }
        return new Dataset("fashion-mnist-test-" + label, SPEC, LABELS, px, lb);
    }

    private static byte[] read(String resource, int magic, int itemBytes) throws IOException {
        InputStream raw = FashionMnist.class.getClassLoader().getResourceAsStream(resource);
        if (raw == null) throw new IOException("resource " + resource + " is not on the classpath");
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            int m = in.readInt();
            if (m != magic) throw new IOException(resource + ": magic " + Integer.toHexString(m));
            int n = in.readInt();
            if (magic == 0x803) {
                in.readInt();
                in.readInt();
            }
            byte[] data = new byte[n * itemBytes];
            in.readFully(data);
            return data;
        }
    }
}
