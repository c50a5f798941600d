package io.kiln.runtime.internal.fast;

import java.util.Arrays;

/**
 * A recurrent layer over a whole sequence from a zero state: DL4J's {@code LSTM} (no peepholes,
 * sigmoid gates) or {@code SimpleRnn}, optionally wrapped in {@code LastTimeStep}, trained by
 * backpropagation through time.
 *
 * <p>Rows hold a sequence as DL4J's {@code [batch, channels, steps]} arrays do, channel after
 * channel, each channel's steps oldest first; so does the output of a layer that keeps every step,
 * {@code units} channels over the same steps. A layer that keeps the last step gives {@code units}
 * values per row.
 *
 * <p>The parameters are DL4J's: W (inputs × gates·units), RW (units × gates·units) and b, the
 * gates of an LSTM in DL4J's order: the block input (the layer's activation), the forget gate, the
 * output gate and the input gate (sigmoids). Per step: {@code c = f·c' + g·act(z_input)},
 * {@code h = o·act(c)}. A simple RNN has one gate: {@code h = act(x W + h' RW + b)}.
 */
final class RecurrentStage extends Stage {
    /** Input channels, steps, units and gates (4 for an LSTM, 1 for a simple RNN). */
    final int channels;
    final int steps;
    final int units;
    final int gates;
    /** Whether only the last step is the output (DL4J's {@code LastTimeStep}). */
    final boolean last;
    /** The layer's own activation: the block input's and the cell's of an LSTM, the output's of a simple RNN. */
    final FastPath.Activation cell;
    final FastPath.Param weight;
    final FastPath.Param recurrent;
    final FastPath.Param bias;
    /**
     * W and RW transposed, for the gradients into the input and into the step before (made where they
     * are used: the first stage of a network gets no {@link #parametersChanged} call).
     */
    private final float[] wt;
    private final float[] rwt;
    /** Per step and row ((step · rows + row) · gates·units): the gates' activations, then dLoss/dZ. */
    private float[] gate = new float[0];
    private float[] dGate = new float[0];
    /** Per step and row: the cell state and its activation (LSTM). */
    private float[] cellState = new float[0];
    private float[] cellOut = new float[0];
    /** Per step and row, after a block of zeros for the state before the first step: the outputs h. */
    private float[] hidden = new float[0];
    /** dLoss/dh and dLoss/dc carried to the step before, and the gradient into the input, step-major. */
    private float[] dh = new float[0];
    private float[] dcNext = new float[0];
    private float[] dInput = new float[0];
    /** The input of the last forward pass. */
    private float[] input;
    private final Kernels.Scratch scratch = new Kernels.Scratch();

    RecurrentStage(int channels, int steps, int units, int gates, boolean last, FastPath.Activation cell,
            FastPath.Param weight, FastPath.Param recurrent, FastPath.Param bias) {
        // the output needs no derivative of its own: dz is dLoss/dh as the stage above leaves it
        super(channels * steps, last ? units : units * steps,
                new FastPath.Activation(FastPath.Activation.Kind.IDENTITY, 0));
        this.channels = channels;
        this.steps = steps;
        this.units = units;
        this.gates = gates;
        this.last = last;
        this.cell = cell;
        this.weight = weight;
        this.recurrent = recurrent;
        this.bias = bias;
        this.wt = new float[channels * gates * units];
        this.rwt = new float[units * gates * units];
    }

    @Override
    void ensure(int rows) {
        super.ensure(rows);
        int width = gates * units;
        // (a window too long for one array fails here, not by indexing past a wrapped size)
        gate = new float[Math.multiplyExact(Math.multiplyExact(steps, rows), width)];
        dGate = new float[gate.length];
        cellState = gates == 4 ? new float[steps * rows * units] : new float[0];
        cellOut = gates == 4 ? new float[steps * rows * units] : new float[0];
        hidden = new float[(steps + 1) * rows * units];
        dh = new float[rows * units];
        dcNext = new float[rows * units];
        dInput = new float[0]; // only a stage with a stage below needs it: allocated by backInto
    }

    private static void transpose(float[] m, int rows, int cols, float[] into) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                into[j * rows + i] = m[i * cols + j];
            }
        }
    }

    @Override
    void forward(float[] x, int rows, int iteration) {
        this.input = x;
        int width = gates * units;
        int rowWidth = channels * steps;
        float[] b = bias.w;
        for (int t = 0; t < steps; t++) {
            int z = t * rows * width;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b, 0, gate, z + r * width, width);
            }
            // x_t W: row r of x_t is x[r·channels·steps + c·steps + t]
            Kernels.gemm(rows, width, channels, x, t, rowWidth, steps, weight.w, 0, width, gate, z, width, scratch);
            if (t > 0) {
                Kernels.gemm(rows, width, units, hidden, t * rows * units, units, 1, recurrent.w, 0, width, gate, z,
                        width, scratch);
            }
            int h = (t + 1) * rows * units;
            if (gates == 1) {
                cell.forwardRange(gate, z, z + rows * units);
                System.arraycopy(gate, z, hidden, h, rows * units);
                continue;
            }
            int s = t * rows * units;
            for (int r = 0; r < rows; r++) { // the block input, then the forget, output and input gates
                int g0 = z + r * width;
                cell.forwardRange(gate, g0, g0 + units);
                Kernels.sigmoid(gate, g0 + units, g0 + width);
                for (int j = 0; j < units; j++) {
                    int k = r * units + j;
                    float before = t > 0 ? cellState[s - rows * units + k] : 0f;
                    cellState[s + k] = gate[g0 + units + j] * before + gate[g0 + 3 * units + j] * gate[g0 + j];
                }
            }
            System.arraycopy(cellState, s, cellOut, s, rows * units);
            cell.forwardRange(cellOut, s, s + rows * units);
            for (int r = 0; r < rows; r++) {
                int o0 = z + r * width + 2 * units;
                for (int j = 0; j < units; j++) {
                    hidden[h + r * units + j] = gate[o0 + j] * cellOut[s + r * units + j];
                }
            }
        }
        if (last) {
            System.arraycopy(hidden, steps * rows * units, a, 0, rows * units);
        } else {
            for (int t = 0; t < steps; t++) {
                int h = (t + 1) * rows * units;
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < units; j++) {
                        a[r * nOut + j * steps + t] = hidden[h + r * units + j];
                    }
                }
            }
        }
    }

    /** Backpropagation through time: dLoss/dZ of every step and gate, then W's, RW's and b's gradients. */
    @Override
    void gradients(int rows) {
        int width = gates * units;
        int n = rows * units;
        transpose(recurrent.w, units, width, rwt);
        Arrays.fill(dcNext, 0, n, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            // dLoss/dh_t: from the layer above, and through the next step's gates
            if (last) {
                if (t == steps - 1) {
                    System.arraycopy(dz, 0, dh, 0, n);
                } else {
                    Arrays.fill(dh, 0, n, 0f);
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < units; j++) {
                        dh[r * units + j] = dz[r * nOut + j * steps + t];
                    }
                }
            }
            if (t < steps - 1) {
                Kernels.gemm(rows, units, width, dGate, (t + 1) * rows * width, width, 1, rwt, 0, units, dh, 0, units,
                        scratch);
            }
            int z = t * rows * width;
            if (gates == 1) {
                for (int k = 0; k < n; k++) {
                    dGate[z + k] = dh[k] * cell.slope(gate[z + k]);
                }
                continue;
            }
            int s = t * n;
            for (int r = 0; r < rows; r++) {
                int g0 = z + r * width;
                for (int j = 0; j < units; j++) {
                    int k = r * units + j;
                    float in = gate[g0 + j];
                    float f = gate[g0 + units + j];
                    float o = gate[g0 + 2 * units + j];
                    float g = gate[g0 + 3 * units + j];
                    float ca = cellOut[s + k];
                    float d = dh[k];
                    float dc = d * o * cell.slope(ca) + dcNext[k];
                    float before = t > 0 ? cellState[s - n + k] : 0f;
                    dGate[g0 + j] = dc * g * cell.slope(in);
                    dGate[g0 + units + j] = dc * before * f * (1f - f);
                    dGate[g0 + 2 * units + j] = d * ca * o * (1f - o);
                    dGate[g0 + 3 * units + j] = dc * in * g * (1f - g);
                    dcNext[k] = dc * f;
                }
            }
        }
        // W: Σ_t x_tᵀ dZ_t; RW: Σ_t h_{t-1}ᵀ dZ_t (h_{-1} = 0); b: the column sums of every dZ_t
        Arrays.fill(weight.g, 0f);
        Arrays.fill(recurrent.g, 0f);
        Arrays.fill(bias.g, 0f);
        int rowWidth = channels * steps;
        for (int t = 0; t < steps; t++) {
            Kernels.gemm(channels, width, rows, input, t, steps, rowWidth, dGate, t * rows * width, width, weight.g, 0,
                    width, scratch);
        }
        if (steps > 1) {
            Kernels.gemm(units, width, (steps - 1) * rows, hidden, rows * units, 1, units, dGate, rows * width, width,
                    recurrent.g, 0, width, scratch);
        }
        for (int q = 0; q < steps * rows; q++) {
            Kernels.axpy(1f, dGate, q * width, bias.g, 0, width);
        }
    }

    /** dLoss/dx_t = dZ_t Wᵀ for every step, into {@code below} in the row layout. */
    @Override
    void backInto(float[] below, int rows) {
        int width = gates * units;
        int n = steps * rows * channels;
        if (dInput.length < n) {
            dInput = new float[n];
        }
        Arrays.fill(dInput, 0, n, 0f);
        transpose(weight.w, channels, width, wt);
        Kernels.gemm(steps * rows, channels, width, dGate, 0, width, 1, wt, 0, channels, dInput, 0, channels, scratch);
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < channels; c++) {
                    below[r * nIn + c * steps + t] = dInput[(t * rows + r) * channels + c];
                }
            }
        }
    }
}
