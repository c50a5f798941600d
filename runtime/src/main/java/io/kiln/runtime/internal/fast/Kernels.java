package io.kiln.runtime.internal.fast;

/**
 * The matrix products the plain-Java trainers are made of. With the JDK's vector module resolved
 * ({@code --add-modules jdk.incubator.vector}, which Kiln's own commands pass) they run as explicit
 * SIMD code ({@link VectorGemm}); without it, as loops the JIT vectorizes where it can, skipping
 * zero coefficients (ReLU outputs, one-hot inputs). {@code -Dkiln.vector=false} turns the vector code
 * off.
 */
final class Kernels {
    /** The vector implementations, or null when the module is not resolved (or turned off). */
    private static final Gemm VECTOR = vectorOrNull("VectorGemm");
    private static final Curves VECTOR_CURVES = vectorOrNull("VectorMath");
    /** Whether {@link #VECTOR} is used (tests turn it off to check the loops against DL4J too). */
    private static volatile boolean useVector = true;

    /**
     * Columns and inner length of one block of a large product: a 256 × 512 part of B (512 KB) is read
     * by every row of C while it is in the L2 cache, instead of all of B (18 MB for a convolution's
     * patches of a minibatch) once per row from memory.
     */
    static final int BLOCK_N = 512;
    static final int BLOCK_K = 256;

    private Kernels() {}

    /** {@code C[m×n] += A[m×k] · B[k×n]}, where A(r, p) = {@code a[r·ar + p·ap]}, B and C row-major. */
    interface Gemm {
        void gemm(int m, int n, int k, float[] a, int ao, int ar, int ap, float[] b, int bo, int ldb, float[] c,
                int co, int ldc, Scratch scratch);
    }

    /** The activation curves whose scalar forms cost most ({@code Math.tanh} is about 30 ns), in place on {@code x[from, to)}. */
    interface Curves {
        void tanh(float[] x, int from, int to);

        void sigmoid(float[] x, int from, int to);
    }

    /** Working arrays of one caller (a stage), grown as needed: no allocation, no thread-local lookup per product. */
    static final class Scratch {
        float[] values = new float[0];
        int[] index = new int[0];
        float[] paddedB = new float[0];
        float[] paddedC = new float[0];

        void values(int n) {
            if (values.length < n) {
                values = new float[n];
                index = new int[n];
            }
        }
    }

    /** Whether the products run as explicit vector code. */
    static boolean vectorized() {
        return VECTOR != null && useVector;
    }

    /** Turns the vector code off or back on (when available); returns the previous setting. */
    static boolean useVector(boolean on) {
        boolean before = useVector;
        useVector = on;
        return before;
    }

    @SuppressWarnings("unchecked")
    private static <T> T vectorOrNull(String simpleName) {
        if ("false".equals(System.getProperty("kiln.vector"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (T) Class.forName(Kernels.class.getPackageName() + "." + simpleName).getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** {@code x = tanh(x)} on {@code [from, to)}. */
    static void tanh(float[] x, int from, int to) {
        if (VECTOR_CURVES != null && useVector) {
            VECTOR_CURVES.tanh(x, from, to);
            return;
        }
        for (int k = from; k < to; k++) {
            x[k] = (float) Math.tanh(x[k]);
        }
    }

    /** {@code x = 1 / (1 + e^-x)} on {@code [from, to)}. */
    static void sigmoid(float[] x, int from, int to) {
        if (VECTOR_CURVES != null && useVector) {
            VECTOR_CURVES.sigmoid(x, from, to);
            return;
        }
        for (int k = from; k < to; k++) {
            x[k] = (float) (1.0 / (1.0 + Math.exp(-x[k])));
        }
    }

    /** {@code C += A · B} (see {@link Gemm}), with the caller's working arrays. */
    static void gemm(int m, int n, int k, float[] a, int ao, int ar, int ap, float[] b, int bo, int ldb, float[] c,
            int co, int ldc, Scratch scratch) {
        if (n > BLOCK_N || k > BLOCK_K) { // in blocks whose part of B stays in cache while every row of C uses it
            for (int jb = 0; jb < n; jb += BLOCK_N) {
                int nb = Math.min(BLOCK_N, n - jb);
                for (int kb = 0; kb < k; kb += BLOCK_K) {
                    gemm(m, nb, Math.min(BLOCK_K, k - kb), a, ao + kb * ap, ar, ap, b, bo + kb * ldb + jb, ldb, c,
                            co + jb, ldc, scratch);
                }
            }
            return;
        }
        if (VECTOR != null && useVector) {
            VECTOR.gemm(m, n, k, a, ao, ar, ap, b, bo, ldb, c, co, ldc, scratch);
            return;
        }
        scratch.values(k);
        float[] values = scratch.values;
        int[] index = scratch.index;
        for (int r = 0; r < m; r++) {
            int count = 0;
            int base = ao + r * ar;
            for (int p = 0; p < k; p++) {
                float v = a[base + p * ap];
                if (v != 0f) {
                    values[count] = v;
                    index[count++] = p;
                }
            }
            int t = 0;
            int cr = co + r * ldc;
            for (; t + 3 < count; t += 4) {
                axpy4(values[t], values[t + 1], values[t + 2], values[t + 3], b, bo + index[t] * ldb,
                        bo + index[t + 1] * ldb, bo + index[t + 2] * ldb, bo + index[t + 3] * ldb, c, cr, n);
            }
            for (; t < count; t++) {
                axpy(values[t], b, bo + index[t] * ldb, c, cr, n);
            }
        }
    }

    /**
     * {@code y[yo..yo+n) += a0 · x[x0..x0+n) + a1 · x[x1..) + a2 · x[x2..) + a3 · x[x3..)}: four rows
     * at once, so that each element of {@code y} is loaded and stored once per four multiply-adds.
     */
    static void axpy4(float a0, float a1, float a2, float a3, float[] x, int x0, int x1, int x2, int x3, float[] y,
            int yo, int n) {
        for (int k = 0; k < n; k++) {
            y[yo + k] += a0 * x[x0 + k] + a1 * x[x1 + k] + a2 * x[x2 + k] + a3 * x[x3 + k];
        }
    }

    /** {@code x[k] /= d} for every element, as ND4J's {@code divi} (a division, not a multiplication by 1/d). */
    static void divide(float[] x, float d) {
        for (int k = 0; k < x.length; k++) {
            x[k] /= d;
        }
    }

    /** {@code y[yo..yo+n) += a · x[xo..xo+n)}. */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        for (int k = 0; k < n; k++) {
            y[yo + k] += a * x[xo + k];
        }
    }
}
