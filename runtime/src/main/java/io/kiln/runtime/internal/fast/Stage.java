package io.kiln.runtime.internal.fast;

/**
 * One step of the fast path's forward pass (a dense layer, a convolution, a pooling), on a minibatch
 * held row after row, each row in DL4J's own order of its activations (channels, then height, then
 * width for images), so that dropout masks, flattening and parameters line up with DL4J's.
 */
abstract class Stage {
    /** Values per row in and out. */
    final int nIn;
    final int nOut;
    final FastPath.Activation act;
    /** Activations of the last forward pass, rows × nOut. */
    float[] a = new float[0];
    /** dLoss/dZ (pre-activation), rows × nOut, filled by the stage above (or the loss). */
    float[] dz = new float[0];

    Stage(int nIn, int nOut, FastPath.Activation act) {
        this.nIn = nIn;
        this.nOut = nOut;
        this.act = act;
    }

    /** The forward pass; {@code iteration} is the training step (for dropout's masks), or -1 for inference. */
    abstract void forward(float[] x, int rows, int iteration);

    /** The parameters' gradients from {@link #dz} and the last input (not yet divided by the minibatch size). */
    abstract void gradients(int rows);

    /** dLoss/d(input) from {@link #dz}, into {@code below} (rows × nIn). */
    abstract void backInto(float[] below, int rows);

    /** Sizes the per-minibatch buffers for up to {@code rows} rows. */
    void ensure(int rows) {
        a = new float[rows * nOut];
        dz = new float[rows * nOut];
    }

    /** After the parameters changed (a step, or a load): refreshes what is derived from them. */
    void parametersChanged() {}
}
