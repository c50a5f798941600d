package io.kiln.processor;

/**
 * The window of a convolution or pooling layer, per dimension (height, width); {@code same}
 * pads so that the output is {@code ceil(in / stride)}; {@code causal} (1-D only) pads at the
 * start alone, with the same output length. Pooling has dilation 1. A 1-D window uses the
 * height values; its width values are 1.
 */
record Window(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
        int dilationHeight, int dilationWidth, boolean same, io.kiln.dsl.Pooling pooling, boolean causal) {

    Window(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
            int dilationHeight, int dilationWidth, boolean same, io.kiln.dsl.Pooling pooling) {
        this(kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, dilationHeight,
                dilationWidth, same, pooling, false);
    }

    /** An output as long as {@code ceil(in / stride)}: {@code same} or {@code causal} padding. */
    boolean keepsLength() {
        return same || causal;
    }

    /** DL4J's convolution mode: its Truncate is the output-size rule of Kiln's default (no 'same'); its checks are Kiln's own. */
    String mode() {
        return causal ? "Causal" : same ? "Same" : "Truncate";
    }

    /** The layer table's words for a 2-D window: {@code 3x3, stride 1, same, dilation 2}. */
    String describe2d(boolean convolution) {
        StringBuilder b = new StringBuilder();
        b.append(kernelHeight).append('x').append(kernelWidth);
        b.append(", stride ").append(strideHeight == strideWidth ? Integer.toString(strideHeight)
                : strideHeight + "x" + strideWidth);
        if (same) {
            b.append(", same");
        } else if (padHeight > 0 || padWidth > 0) {
            b.append(", padding ").append(padHeight == padWidth ? Integer.toString(padHeight)
                    : padHeight + "x" + padWidth);
        }
        if (convolution && (dilationHeight > 1 || dilationWidth > 1)) {
            b.append(", dilation ").append(dilationHeight == dilationWidth
                    ? Integer.toString(dilationHeight) : dilationHeight + "x" + dilationWidth);
        }
        return b.toString();
    }

    /** The layer table's words for a 1-D window: {@code 3, stride 1, causal, dilation 2}. */
    String describe1d(boolean convolution) {
        StringBuilder b = new StringBuilder();
        b.append(kernelHeight).append(", stride ").append(strideHeight);
        if (causal) {
            b.append(", causal");
        } else if (same) {
            b.append(", same");
        } else if (padHeight > 0) {
            b.append(", padding ").append(padHeight);
        }
        if (convolution && dilationHeight > 1) {
            b.append(", dilation ").append(dilationHeight);
        }
        return b.toString();
    }

    /** The canonical spec text of a 2-D window: {@code , kernel = {3, 3}, stride = {1, 1}, padding = {0, 0}, same = false}. */
    String specText2d() {
        return ", kernel = {" + kernelHeight + ", " + kernelWidth + "}, stride = {" + strideHeight + ", " + strideWidth
                + "}, padding = {" + padHeight + ", " + padWidth + "}, same = " + same;
    }
}
