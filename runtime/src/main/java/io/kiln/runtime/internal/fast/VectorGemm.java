package io.kiln.runtime.internal.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels.Gemm} as explicit SIMD code (the JDK's incubating vector API): each row of C is
 * built in blocks of four vectors kept in registers across the whole inner dimension, one broadcast
 * and four fused multiply-adds per element of A. Each block width is a method of its own, and the
 * inner loops have no branch: a larger method exhausts C2's inlining budget, and the vector
 * operations it does not inline run as (slow) Java objects. Loaded only when the module is resolved.
 */
final class VectorGemm implements Kernels.Gemm {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public void gemm(int m, int n, int k, float[] a, int ao, int ar, int ap, float[] b, int bo, int ldb, float[] c,
            int co, int ldc, Kernels.Scratch scratch) {
        int lanes = SPECIES.length();
        int fours = n / (4 * lanes) * 4 * lanes;
        if (fours > 0) {
            fours(m, fours, k, a, ao, ar, ap, b, bo, ldb, c, co, ldc);
        }
        int j = fours;
        int ones = (n - j) / lanes * lanes;
        if (ones > 0) {
            ones(m, ones, k, a, ao, ar, ap, b, bo + j, ldb, c, co + j, ldc);
        }
        j += ones;
        if (j < n) {
            narrow(m, n - j, k, a, ao, ar, ap, b, bo + j, ldb, c, co + j, ldc, scratch);
        }
    }

    /** Columns [0, n) of C, n a multiple of four vectors: per row, four vectors at a time kept in registers. */
    private static void fours(int m, int n, int k, float[] a, int ao, int ar, int ap, float[] b, int bo, int ldb,
            float[] c, int co, int ldc) {
        int lanes = SPECIES.length();
        for (int r = 0; r < m; r++) {
            int arow = ao + r * ar;
            for (int j = 0; j < n; j += 4 * lanes) {
                int cj = co + r * ldc + j;
                FloatVector c0 = FloatVector.fromArray(SPECIES, c, cj);
                FloatVector c1 = FloatVector.fromArray(SPECIES, c, cj + lanes);
                FloatVector c2 = FloatVector.fromArray(SPECIES, c, cj + 2 * lanes);
                FloatVector c3 = FloatVector.fromArray(SPECIES, c, cj + 3 * lanes);
                for (int p = 0; p < k; p++) {
                    FloatVector s = FloatVector.broadcast(SPECIES, a[arow + p * ap]);
                    int bp = bo + p * ldb + j;
                    c0 = FloatVector.fromArray(SPECIES, b, bp).fma(s, c0);
                    c1 = FloatVector.fromArray(SPECIES, b, bp + lanes).fma(s, c1);
                    c2 = FloatVector.fromArray(SPECIES, b, bp + 2 * lanes).fma(s, c2);
                    c3 = FloatVector.fromArray(SPECIES, b, bp + 3 * lanes).fma(s, c3);
                }
                c0.intoArray(c, cj);
                c1.intoArray(c, cj + lanes);
                c2.intoArray(c, cj + 2 * lanes);
                c3.intoArray(c, cj + 3 * lanes);
            }
        }
    }

    /** Columns [0, n) of C, n a multiple of one vector. */
    private static void ones(int m, int n, int k, float[] a, int ao, int ar, int ap, float[] b, int bo, int ldb,
            float[] c, int co, int ldc) {
        int lanes = SPECIES.length();
        for (int r = 0; r < m; r++) {
            int arow = ao + r * ar;
            for (int j = 0; j < n; j += lanes) {
                int cj = co + r * ldc + j;
                FloatVector c0 = FloatVector.fromArray(SPECIES, c, cj);
                for (int p = 0; p < k; p++) {
                    c0 = FloatVector.fromArray(SPECIES, b, bo + p * ldb + j)
                            .fma(FloatVector.broadcast(SPECIES, a[arow + p * ap]), c0);
                }
                c0.intoArray(c, cj);
            }
        }
    }

    /**
     * The last n columns of C (fewer than a vector): B's and C's columns copied into zero-padded
     * one-vector-wide scratch, multiplied there, and copied back. (A second, narrower species or masked
     * loads would avoid the copies, but in JDK 17 masked loads are slow, and one JVM using two species
     * of a type makes the vector API's shared methods polymorphic, after which C2 stops compiling any
     * vector loop to vector instructions: ten times slower, measured.)
     */
    private static void narrow(int m, int n, int k, float[] a, int ao, int ar, int ap, float[] b, int bo, int ldb,
            float[] c, int co, int ldc, Kernels.Scratch scratch) {
        int lanes = SPECIES.length();
        if (scratch.paddedB.length < k * lanes) {
            scratch.paddedB = new float[k * lanes];
        }
        if (scratch.paddedC.length < m * lanes) {
            scratch.paddedC = new float[m * lanes];
        }
        float[] pb = scratch.paddedB;
        float[] pc = scratch.paddedC;
        java.util.Arrays.fill(pb, 0, k * lanes, 0f);
        java.util.Arrays.fill(pc, 0, m * lanes, 0f);
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, bo + p * ldb, pb, p * lanes, n);
        }
        for (int r = 0; r < m; r++) {
            System.arraycopy(c, co + r * ldc, pc, r * lanes, n);
        }
        ones(m, lanes, k, a, ao, ar, ap, pb, 0, lanes, pc, 0, lanes);
        for (int r = 0; r < m; r++) {
            System.arraycopy(pc, r * lanes, c, co + r * ldc, n);
        }
    }
}
