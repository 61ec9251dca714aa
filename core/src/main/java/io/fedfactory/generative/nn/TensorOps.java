package io.fedfactory.generative.nn;

/**
 * The operations a generative network is written in. A network is written once against this
 * interface and run two ways: on DJL arrays for training ({@link DjlTensorOps}) and as ONNX nodes
 * for export ({@link OnnxTensorOps}), so the trained and the exported computation cannot drift apart.
 *
 * <p>Binary operations broadcast NumPy-style. Image tensors are [N, C, H, W].
 *
 * @param <T> a tensor handle: an NDArray, or the name of an ONNX value
 */
public interface TensorOps<T> {

    /** A trained parameter. */
    T parameter(String name);

    /** A constant that is part of the architecture, not trained. */
    T constant(float[] values, long... shape);

    /** A rank-0 constant. */
    T scalar(float value);

    T add(T a, T b);

    T sub(T a, T b);

    T mul(T a, T b);

    T div(T a, T b);

    T sqrt(T x);

    T log(T x);

    T sin(T x);

    T cos(T x);

    T sigmoid(T x);

    /** 1 where x is greater than the (broadcast) threshold, else 0, as float32; not differentiable. */
    T greater(T x, T threshold);

    /** x * sigmoid(x), spelled out so both backends compute it the same way. */
    default T silu(T x) {
        return mul(x, sigmoid(x));
    }

    /** 2-D convolution; {@code weight} is [Cout, Cin, k, k], square stride and symmetric padding. */
    T conv2d(T x, T weight, T bias, int stride, int padding);

    /**
     * Nearest-neighbour 2x upsampling of x [N, channels, height, width], as a broadcast product with
     * ones (exact in both backends; DJL's PyTorch engine has no transposed convolution).
     */
    default T upsample2x(T x, long channels, long height, long width) {
        T spread = mul(reshape(x, -1, channels, height, 1, width, 1), constant(new float[] {1, 1, 1, 1}, 1, 1, 1, 2, 1, 2));
        return reshape(spread, -1, channels, 2 * height, 2 * width);
    }

    /** x [N, in] times weight [out, in] transposed, plus bias [out]. */
    T linear(T x, T weight, T bias);

    /** Columns [from, to) of a matrix x [N, M]. */
    T columns(T x, long from, long to);

    /** Concatenation along axis 1 (channels, or features of a matrix). */
    T concat(T a, T b);

    /** Reshape; 0 keeps the input's dimension at that position, -1 is inferred. */
    T reshape(T x, long... shape);

    /**
     * Standardizes each (sample, group) slice of x [N, channels, height, width] to zero mean and unit
     * (biased) variance: group normalization without its per-channel affine part.
     */
    T groupStandardize(T x, int groups, long channels, long height, long width, float epsilon);
}
