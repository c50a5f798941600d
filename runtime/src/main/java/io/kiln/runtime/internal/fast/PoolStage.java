package io.kiln.runtime.internal.fast;

/** Max pooling (DL4J's {@code SubsamplingLayer}, MAX, no padding): each window's first largest value. */
final class PoolStage extends Stage {
    final int channels;
    final int inH;
    final int inW;
    final int outH;
    final int outW;
    final int kH;
    final int kW;
    final int sH;
    final int sW;
    /** Where each output's maximum came from, as an index into the minibatch's input. */
    private int[] from = new int[0];

    PoolStage(int channels, int inH, int inW, int outH, int outW, int kH, int kW, int sH, int sW,
            FastPath.Activation identity) {
        super(channels * inH * inW, channels * outH * outW, identity);
        this.channels = channels;
        this.inH = inH;
        this.inW = inW;
        this.outH = outH;
        this.outW = outW;
        this.kH = kH;
        this.kW = kW;
        this.sH = sH;
        this.sW = sW;
    }

    @Override
    void ensure(int rows) {
        super.ensure(rows);
        from = new int[rows * nOut];
    }

    @Override
    void forward(float[] x, int rows, int iteration) {
        int o = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                int plane = r * nIn + c * inH * inW;
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        int best = plane + oh * sH * inW + ow * sW;
                        float max = x[best];
                        for (int i = 0; i < kH; i++) {
                            int rowStart = plane + (oh * sH + i) * inW + ow * sW;
                            for (int j = 0; j < kW; j++) {
                                if (x[rowStart + j] > max) {
                                    max = x[rowStart + j];
                                    best = rowStart + j;
                                }
                            }
                        }
                        a[o] = max;
                        from[o++] = best;
                    }
                }
            }
        }
    }

    @Override
    void gradients(int rows) {}

    @Override
    void backInto(float[] below, int rows) {
        java.util.Arrays.fill(below, 0, rows * nIn, 0f);
        for (int o = 0; o < rows * nOut; o++) {
            below[from[o]] += dz[o];
        }
    }
}
