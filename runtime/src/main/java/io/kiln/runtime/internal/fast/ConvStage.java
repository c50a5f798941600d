package io.kiln.runtime.internal.fast;

/**
 * A 2-D convolution (DL4J's {@code ConvolutionLayer}, channels first, dilation 1) as matrix products:
 * the input patches unfolded into a (channels·kernel) × (rows·output positions) matrix, multiplied by
 * the weights as DL4J holds them, [output channels, input channels, kernel height, kernel width].
 */
final class ConvStage extends Stage {
    final int inC;
    final int inH;
    final int inW;
    final int outC;
    final int outH;
    final int outW;
    final int kH;
    final int kW;
    final int sH;
    final int sW;
    final int padTop;
    final int padLeft;
    /** Rows of the unfolded patches (inC·kH·kW) and their columns (outH·outW). */
    final int patch;
    final int positions;
    final FastPath.Param weight;
    final FastPath.Param bias;
    private float[] cols = new float[0];
    private float[] out = new float[0];
    private float[] dzByChannel = new float[0];
    private float[] dzByPosition = new float[0];
    private float[] dWt = new float[0];
    private float[] dcols = new float[0];
    private final Kernels.Scratch scratch = new Kernels.Scratch();

    ConvStage(int inC, int inH, int inW, int outC, int outH, int outW, int kH, int kW, int sH, int sW, int padTop,
            int padLeft, FastPath.Activation act, FastPath.Param weight, FastPath.Param bias) {
        super(inC * inH * inW, outC * outH * outW, act);
        this.inC = inC;
        this.inH = inH;
        this.inW = inW;
        this.outC = outC;
        this.outH = outH;
        this.outW = outW;
        this.kH = kH;
        this.kW = kW;
        this.sH = sH;
        this.sW = sW;
        this.padTop = padTop;
        this.padLeft = padLeft;
        this.patch = inC * kH * kW;
        this.positions = outH * outW;
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    void ensure(int rows) {
        super.ensure(rows);
        int n = rows * positions;
        cols = new float[patch * n];
        out = new float[outC * n];
        dzByChannel = new float[outC * n];
        dzByPosition = new float[n * outC];
        dWt = new float[patch * outC];
        dcols = new float[0]; // only a stage with a stage below needs it: allocated by backInto
    }

    /*
     * The minibatch is one product per pass: the patches of all rows side by side, patch × (rows ·
     * positions), so that the products are long enough for the vector code; the results are then put
     * back into DL4J's order, row, channel, position.
     */

    @Override
    void forward(float[] x, int rows, int iteration) {
        int n = rows * positions;
        for (int r = 0; r < rows; r++) {
            unfold(x, r * nIn, cols, r * positions, n);
        }
        float[] b = bias.w;
        for (int c = 0; c < outC; c++) {
            java.util.Arrays.fill(out, c * n, (c + 1) * n, b[c]);
        }
        Kernels.gemm(outC, n, patch, weight.w, 0, patch, 1, cols, 0, n, out, 0, n, scratch);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < outC; c++) {
                System.arraycopy(out, c * n + r * positions, a, r * nOut + c * positions, positions);
            }
        }
        act.forward(a, rows, nOut);
    }

    /** One row's patches into columns [col, col + positions) of a patch × n matrix (zeros where the padding is). */
    private void unfold(float[] x, int xo, float[] into, int col, int n) {
        for (int c = 0; c < inC; c++) {
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    int k = (c * kH + i) * kW + j;
                    int row = k * n + col;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * sH - padTop + i;
                        int base = row + oh * outW;
                        if (ih < 0 || ih >= inH) {
                            java.util.Arrays.fill(into, base, base + outW, 0f);
                            continue;
                        }
                        int xrow = xo + (c * inH + ih) * inW;
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * sW - padLeft + j;
                            into[base + ow] = iw < 0 || iw >= inW ? 0f : x[xrow + iw];
                        }
                    }
                }
            }
        }
    }

    @Override
    void gradients(int rows) {
        int n = rows * positions;
        float[] gb = bias.g;
        java.util.Arrays.fill(gb, 0f);
        for (int r = 0; r < rows; r++) { // dZ as channel × (row, position) and as (row, position) × channel
            for (int c = 0; c < outC; c++) {
                int from = r * nOut + c * positions;
                System.arraycopy(dz, from, dzByChannel, c * n + r * positions, positions);
                float sum = 0f;
                for (int p = 0; p < positions; p++) {
                    float d = dz[from + p];
                    sum += d;
                    dzByPosition[(r * positions + p) * outC + c] = d;
                }
                gb[c] += sum;
            }
        }
        // dWᵀ = patches · dZᵀ: patch × outC, long inner dimension
        java.util.Arrays.fill(dWt, 0f);
        Kernels.gemm(patch, outC, n, cols, 0, n, 1, dzByPosition, 0, outC, dWt, 0, outC, scratch);
        float[] gw = weight.g;
        for (int k = 0; k < patch; k++) {
            for (int c = 0; c < outC; c++) {
                gw[c * patch + k] = dWt[k * outC + c];
            }
        }
    }

    @Override
    void backInto(float[] below, int rows) {
        int n = rows * positions;
        if (dcols.length < patch * n) {
            dcols = new float[cols.length];
        }
        java.util.Arrays.fill(dcols, 0, patch * n, 0f);
        // d(patches) = Wᵀ dZ: W read transposed in place
        Kernels.gemm(patch, n, outC, weight.w, 0, 1, patch, dzByChannel, 0, n, dcols, 0, n, scratch);
        java.util.Arrays.fill(below, 0, rows * nIn, 0f);
        for (int r = 0; r < rows; r++) {
            fold(dcols, r * positions, n, below, r * nIn);
        }
    }

    /** Adds one row's patch entries (columns [col, col + positions) of a patch × n matrix) back onto its input. */
    private void fold(float[] from, int col, int n, float[] into, int xo) {
        for (int c = 0; c < inC; c++) {
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    int row = ((c * kH + i) * kW + j) * n + col;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * sH - padTop + i;
                        if (ih < 0 || ih >= inH) {
                            continue;
                        }
                        int xrow = xo + (c * inH + ih) * inW;
                        int base = row + oh * outW;
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * sW - padLeft + j;
                            if (iw >= 0 && iw < inW) {
                                into[xrow + iw] += from[base + ow];
                            }
                        }
                    }
                }
            }
        }
    }
}
