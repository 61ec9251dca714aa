package io.fedfactory.classifier;

import io.fedfactory.determinism.ContentHash;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All tensors of a classifier in the canonical order of its {@link ClassifierArchitecture}, BatchNorm
 * running statistics included: what training produces, FedAvg averages, export writes and hashing
 * identifies.
 */
public final class ClassifierWeights {

    private final List<WeightTensor> tensors;
    private final Map<String, WeightTensor> byName;

    public ClassifierWeights(List<WeightTensor> tensors) {
        this.tensors = List.copyOf(tensors);
        if (this.tensors.isEmpty()) throw new IllegalArgumentException("classifier weights must hold at least one tensor");
        Map<String, WeightTensor> m = new LinkedHashMap<>();
        for (WeightTensor t : this.tensors) {
            if (m.put(t.name(), t) != null) {
                throw new IllegalArgumentException("classifier weights: duplicate tensor name " + t.name());
            }
        }
        this.byName = m;
    }

    public List<WeightTensor> tensors() { return tensors; }

    /** The tensor named {@code name}; fails naming it when absent. */
    public WeightTensor get(String name) {
        WeightTensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("classifier weights have no tensor named " + name);
        return t;
    }

    /** Number of floats over all tensors. */
    public long parameterCount() {
        long n = 0;
        for (WeightTensor t : tensors) n += t.size();
        return n;
    }

    /** Bytes of the tensors as float32, what one copy of the model costs on the wire. */
    public long byteSize() {
        return 4L * parameterCount();
    }

    /** Checks names, order and shapes against {@code architecture}, naming the first mismatch. */
    public void requireLayout(ClassifierArchitecture architecture) {
        List<ClassifierArchitecture.Slot> slots = architecture.slots();
        if (slots.size() != tensors.size()) {
            throw new IllegalArgumentException("classifier weights hold " + tensors.size() + " tensors, architecture needs "
                    + slots.size());
        }
        for (int i = 0; i < slots.size(); i++) {
            ClassifierArchitecture.Slot s = slots.get(i);
            WeightTensor t = tensors.get(i);
            if (!s.name().equals(t.name()) || !Arrays.equals(s.shape(), t.shape())) {
                throw new IllegalArgumentException("classifier weights: tensor " + i + " is " + t + ", architecture needs "
                        + s.name() + Arrays.toString(s.shape()));
            }
        }
    }

    /**
     * SHA-256 (lowercase hex) over, for each tensor in order: the UTF-8 name's length (int32) and bytes,
     * the rank (int32), the dimensions (int64) and the values (float32 bits), all little-endian. Equal
     * hashes mean bit-identical weights.
     */
    public String sha256() {
        MessageDigest md = ContentHash.newSha256();
        for (WeightTensor t : tensors) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            long[] shape = t.shape();
            ByteBuffer head = ByteBuffer.allocate(8 + name.length + 8 * shape.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putInt(name.length).put(name).putInt(shape.length);
            for (long d : shape) head.putLong(d);
            md.update(head.array());
            float[] v = t.valuesView();
            ByteBuffer body = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            body.asFloatBuffer().put(v);
            md.update(body.array());
        }
        return ContentHash.hex(md.digest());
    }

    /** Names of all tensors, in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(tensors.size());
        for (WeightTensor t : tensors) names.add(t.name());
        return names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassifierWeights w && tensors.equals(w.tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return "ClassifierWeights[" + tensors.size() + " tensors, " + parameterCount() + " floats]";
    }
}
