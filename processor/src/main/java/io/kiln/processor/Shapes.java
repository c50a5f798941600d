package io.kiln.processor;

import io.kiln.dsl.TextEncoding;
import io.kiln.processor.SpecModel.FeatureKind;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.ImageModel;
import io.kiln.processor.SpecModel.SeriesModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Compile-time shape inference: each layer's output shape and parameter count, from the declared
 * input, by the rules DL4J 1.0.0-M2.1 applies (checked against its {@code getOutputType} and
 * {@code numParams}). A layer that cannot run on its input is a {@link Problem} at that layer;
 * DL4J itself reports most of these only when data first flows, or never (a 2x2 pooling of a 1x1
 * map "works").
 */
final class Shapes {
    private Shapes() {}

    /** The activations between two layers. */
    sealed interface Shape permits Flat, Image, Sequence, Tokens {
        String describe();
    }

    /** A vector; {@code size} is -1 when it is known only once preprocessing is fitted (one-hot widths). */
    record Flat(long size) implements Shape {
        @Override
        public String describe() {
            return size < 0 ? "n" : Long.toString(size);
        }
    }

    record Image(long height, long width, long channels) implements Shape {
        @Override
        public String describe() {
            return height + "x" + width + "x" + channels;
        }

        long size() {
            return height * width * channels;
        }
    }

    /** {@code steps} time steps of {@code channels} values each. */
    record Sequence(long steps, long channels) implements Shape {
        @Override
        public String describe() {
            return steps + " x " + channels;
        }
    }

    /** The ids of up to {@code length} tokens of a {@code @Text} feature, out of {@code vocabulary} + 2. */
    record Tokens(String feature, long length, long vocabulary) implements Shape {
        @Override
        public String describe() {
            return length + " ids";
        }
    }

    /** A layer's output and parameter count (-1: depends on the encoded input width). */
    record Row(LayerModel layer, Shape output, long params) {}

    /** Why layer {@code index} cannot run; {@code attribute} is the annotation value at fault, if one is. */
    record Problem(int index, Attr<?> attribute, String message) {}

    record Result(Shape input, List<Row> rows, List<Problem> problems) {
        /** Total parameters, or -1 when some layer's count depends on the encoded input width. */
        long totalParams() {
            long total = 0;
            for (Row r : rows) {
                if (r.params() < 0) {
                    return -1;
                }
                total += r.params();
            }
            return total;
        }
    }

    /**
     * What the first layer sees: the image, the series windows ({@code window} steps of one value
     * per feature), the token ids of a {@code @Text} feature encoded as TOKENS, or a flat vector
     * (of unknown width, -1, when a one-hot feature's levels are learnt from the data).
     */
    static Shape input(ImageModel image, SeriesModel series, List<FeatureModel> features) {
        if (image != null) {
            return new Image(image.height(), image.width(), image.channels());
        }
        if (series != null) {
            return new Sequence(series.window(), features.size());
        }
        for (FeatureModel f : features) {
            if (f.kind() == FeatureKind.TEXT && f.text().encoding() == TextEncoding.TOKENS) {
                return new Tokens(f.name(), f.text().maxTokens(), f.text().vocabulary());
            }
        }
        return new Flat(flatWidth(features));
    }

    /** The encoded input width when the schema alone fixes it (no one-hot categorical), else -1. */
    static long flatWidth(List<FeatureModel> features) {
        long width = 0;
        for (FeatureModel f : features) {
            if (f.width() < 0) {
                return -1;
            }
            width += f.width();
        }
        return width;
    }

    /** How the spec's input reads in messages. */
    private static String inputWords(Shape input) {
        if (input instanceof Image) {
            return "an image (@Image)";
        }
        if (input instanceof Sequence) {
            return "a sequence (@Series)";
        }
        if (input instanceof Tokens) {
            return "token ids (@Text)";
        }
        return "a flat vector";
    }

    /** What one layer did to the shape: its output and parameters; {@code checked} if the size limits apply. */
    record Step(Shape output, long params, boolean checked) {
        static Step of(Shape output, long params) {
            return new Step(output, params, true);
        }

        /** After a problem: the walk goes on from {@code output}, without checking its size. */
        static Step recovered(Shape output, long params) {
            return new Step(output, params, false);
        }
    }

    /**
     * The state of the walk from the input to the output: the shape before the current layer, the
     * layers that last turned an image or a sequence into a vector ({@code flattener}) and last
     * output a sequence ({@code sequencer}), the rows so far and the problems found. Each layer
     * kind's {@link LayerModel#infer} reads and updates it.
     */
    static final class Walk {
        final Shape input;
        final List<LayerModel> layers;
        final List<Row> rows = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        Shape shape;
        int index;
        LayerModel flattener;
        LayerModel sequencer;

        Walk(Shape input, List<LayerModel> layers) {
            this.input = input;
            this.layers = layers;
            this.shape = input;
        }

        void problem(Attr<?> attribute, String message) {
            problems.add(new Problem(index, attribute, message));
        }

        /** The layer before the current one, or null for the first. */
        LayerModel before() {
            return index > 0 ? layers.get(index - 1) : null;
        }

        /** The layer after the current one, or null for the last. */
        LayerModel after() {
            return index + 1 < layers.size() ? layers.get(index + 1) : null;
        }

        /** How the spec's input reads in messages. */
        String inputWords() {
            return Shapes.inputWords(input);
        }

        /**
         * The current shape as an image, or null after reporting why a 2-D layer cannot take it: the
         * spec has no image, or an earlier layer flattened it.
         */
        Image image(LayerModel l) {
            if (shape instanceof Image in) {
                return in;
            }
            problem(null, flattener == null || shape instanceof Sequence
                    ? Message.NEEDS_IMAGE.format(l.annotation(), l.name(), inputWords())
                    : Message.FLAT_BEFORE_IMAGE_LAYER.format(l.annotation(), l.name(), flattener.name(),
                            flattener.annotation(), shape.describe()));
            return null;
        }

        /**
         * The current shape as a sequence, or null after reporting why a sequence layer cannot take
         * it; the walk then goes on from a one-step sequence of {@code channels} values.
         */
        Sequence sequence(LayerModel l) {
            if (shape instanceof Sequence in) {
                return in;
            }
            problem(null, flattener == null || shape instanceof Image
                    ? Message.NEEDS_SEQUENCE.format(l.annotation(), l.name(), inputWords())
                    : Message.VECTOR_BEFORE_SEQUENCE_LAYER.format(l.annotation(), l.name(), flattener.name(),
                            flattener.annotation(), shape.describe()));
            return null;
        }

        /** The values per sample of the current shape when it is a vector or an image, else 1. */
        long flatSize() {
            return Shapes.flatSize(shape);
        }

        /**
         * The current shape for a layer that takes a vector (or an image, flattened): a sequence is
         * reported and read as one step of its values.
         */
        Shape vectorInput(LayerModel l) {
            if (shape instanceof Sequence in) {
                String source = sequencer != null
                        ? "the output of '" + sequencer.name() + "' before it (@" + sequencer.annotation() + ")"
                        : "its input (@Series)";
                problem(null, Message.SEQUENCE_BEFORE_VECTOR_LAYER.format(l.annotation(), l.name(), source,
                        in.steps(), in.channels(), l.name()));
                return new Flat(in.channels());
            }
            return shape;
        }
    }

    /**
     * Walks the layers from the input. After a problem the walk goes on from a plausible shape, so
     * one compilation reports every broken layer it can.
     */
    static Result infer(Shape input, List<LayerModel> layers) {
        Walk walk = new Walk(input, layers);
        for (int i = 0; i < layers.size(); i++) {
            LayerModel l = layers.get(i);
            walk.index = i;
            Step step;
            if (walk.shape instanceof Tokens t && !l.takesTokens()) {
                walk.problem(null, Message.TOKENS_NEED_EMBEDDING.format(l.annotation(), l.name(), t.feature()));
                // go on as if the layer had worked, so the layers after it are checked on their own
                step = Step.recovered(l.afterTokens(t, walk), -1);
            } else {
                step = l.infer(walk);
            }
            walk.shape = step.output();
            if (step.checked()) {
                String limit = beyondLimit(step.output(), step.params());
                if (limit != null) {
                    walk.problem(null, Message.SIZE_LIMIT.format(l.annotation(), l.name(), limit));
                }
            }
            walk.rows.add(new Row(l, step.output(), step.params()));
        }
        return new Result(input, walk.rows, walk.problems);
    }

    /**
     * With {@code same = true}, DL4J pads so that the output is {@code ceil(in / stride)}, which needs
     * a (dilated) kernel that reaches the last input of each stride: at least {@code ((in - 1) mod
     * stride) + 1} wide; otherwise its padding comes out negative and the layer fails. The message for
     * the first dimension that breaks this, or null.
     */
    static String sameStrideProblem(LayerModel l, String input, long[] sizes, int[] kernels, int[] strides,
            int[] dilations) {
        String[] names = sizes.length == 1 ? new String[] {"length"} : new String[] {"height", "width"};
        for (int d = 0; d < sizes.length; d++) {
            long needed = (sizes[d] - 1) % strides[d] + 1;
            long kernel = dilated(kernels[d], dilations[d]);
            if (strides[d] > 1 && kernel < needed) {
                return Message.SAME_STRIDE.format(l.annotation(), l.name(), strides[d], kernel, input, names[d], sizes[d],
                        needed, kernel);
            }
        }
        return null;
    }

    /** The most values DL4J indexes in one array dimension, and the most parameters in one layer. */
    static final long DL4J_LIMIT = Integer.MAX_VALUE;

    /** What exceeds {@link #DL4J_LIMIT} in a layer's output or parameters, or null when nothing does. */
    static String beyondLimit(Shape output, long params) {
        long values;
        if (output instanceof Image image) {
            values = image.height() > DL4J_LIMIT || image.width() > DL4J_LIMIT || image.channels() > DL4J_LIMIT
                    || Math.multiplyHigh(image.height() * image.width(), image.channels()) != 0
                    ? Long.MAX_VALUE : image.height() * image.width() * image.channels();
        } else if (output instanceof Sequence sequence) {
            values = sequence.steps() > DL4J_LIMIT || sequence.channels() > DL4J_LIMIT
                    ? Long.MAX_VALUE : sequence.steps() * sequence.channels();
        } else if (output instanceof Tokens tokens) {
            values = tokens.length();
        } else {
            values = ((Flat) output).size();
        }
        if (values > DL4J_LIMIT) { // a negative size is unknown, or an invalid value reported already
            return "outputs " + (values == Long.MAX_VALUE ? "more than 2^63" : String.format("%,d", values))
                    + " values per sample (" + output.describe() + ")";
        }
        if (params > DL4J_LIMIT) {
            return String.format("has %,d parameters", params);
        }
        return null;
    }

    /** The values per sample of a vector or an image. */
    static long flatSize(Shape shape) {
        return shape instanceof Image image ? image.size() : shape instanceof Flat flat ? flat.size() : 1;
    }

    /**
     * One dimension's output size, or 0 or less when the kernel does not fit: DL4J's Truncate mode,
     * {@code (in + 2p - k') / s + 1} with the dilated kernel {@code k' = k + (k - 1)(d - 1)}, valid
     * only when {@code k' <= in + 2p}; Same mode, {@code ceil(in / s)}.
     */
    static long outputSize(long in, int kernel, int stride, int padding, int dilation, boolean same) {
        if (same) {
            return (in + stride - 1) / stride;
        }
        long effective = dilated(kernel, dilation);
        if (effective > in + 2L * padding) {
            return 0;
        }
        return (in + 2L * padding - effective) / stride + 1;
    }

    static long dilated(int kernel, int dilation) {
        return kernel + (long) (kernel - 1) * (dilation - 1);
    }

    /**
     * A kernel or window that does not fit dimension {@code dimension} (height, width or length) of
     * size {@code size}; {@code pooling} for a pooling window.
     */
    static String tooLarge(LayerModel l, Window w, boolean pooling, String input, String dimension, long size,
            boolean height) {
        int k = height ? w.kernelHeight() : w.kernelWidth();
        int d = height ? w.dilationHeight() : w.dilationWidth();
        int p = height ? w.padHeight() : w.padWidth();
        int s = height ? w.strideHeight() : w.strideWidth();
        long effective = dilated(k, d);
        String what = pooling ? "window" : "kernel";
        String kernelText = what + " of " + k + (d > 1 ? " with dilation " + d + " (" + effective + " wide)" : "");
        long padding = (effective - size + 1) / 2;
        boolean oneDimensionalPooling = pooling && dimension.equals("length");
        String fix = "Use a " + what + (d > 1 ? " and dilation spanning" : "") + " at most " + (size + 2L * p)
                + (oneDimensionalPooling ? "" : ", padding = " + padding) + ", or same = true (output "
                + (size + s - 1) / s + ")."
                + (dimension.equals("length") ? " Earlier layers' strides and pooling may have shortened the sequence, "
                        + "or the @Series window is too short."
                        : " Earlier layers' strides and pooling may have shrunk the image too far.");
        return Message.KERNEL_TOO_LARGE.format(l.annotation(), l.name(), input, kernelText, dimension, size, p, fix);
    }

    /**
     * A 2-D window over an image: the output image (a size below 1 when the window does not fit,
     * see {@link #fitted}), with a problem for a stride that {@code same} padding cannot cover.
     */
    static Image window2d(Walk walk, LayerModel l, Image in, Window w, long channels, Attr<?> stride) {
        long height = outputSize(in.height(), w.kernelHeight(), w.strideHeight(), w.padHeight(), w.dilationHeight(),
                w.same());
        long width = outputSize(in.width(), w.kernelWidth(), w.strideWidth(), w.padWidth(), w.dilationWidth(),
                w.same());
        String uncovered = w.same() ? sameStrideProblem(l, in.describe(), new long[] {in.height(), in.width()},
                new int[] {w.kernelHeight(), w.kernelWidth()}, new int[] {w.strideHeight(), w.strideWidth()},
                new int[] {w.dilationHeight(), w.dilationWidth()}) : null;
        if (uncovered != null) {
            walk.problem(stride, uncovered);
        }
        return new Image(height, width, channels);
    }

    /** The output size after {@link #window2d}'s image when the window does not fit, reported on {@code kernel}. */
    static Image fitted(Walk walk, LayerModel l, Image in, Image out, Window w, boolean pooling, Attr<?> kernel) {
        if (out.height() < 1 || out.width() < 1) {
            walk.problem(kernel, tooLarge(l, w, pooling, in.describe(), out.height() < 1 ? "height" : "width",
                    out.height() < 1 ? in.height() : in.width(), out.height() < 1));
            return new Image(Math.max(out.height(), 1), Math.max(out.width(), 1), out.channels());
        }
        return out;
    }

    /**
     * A 1-D window over a sequence: the output length, with problems for a window that does not fit
     * or a stride that {@code same} padding cannot cover.
     */
    static long window1d(Walk walk, LayerModel l, Sequence in, Window w, boolean pooling, Attr<?> kernel,
            Attr<?> stride) {
        String uncovered = w.same() ? sameStrideProblem(l, in.describe(), new long[] {in.steps()},
                new int[] {w.kernelHeight()}, new int[] {w.strideHeight()}, new int[] {w.dilationHeight()}) : null;
        if (uncovered != null) {
            walk.problem(stride, uncovered);
        }
        long steps = w.keepsLength() ? (in.steps() + w.strideHeight() - 1) / w.strideHeight()
                : outputSize(in.steps(), w.kernelHeight(), w.strideHeight(), w.padHeight(), w.dilationHeight(), false);
        if (steps < 1) {
            walk.problem(kernel, tooLarge(l, w, pooling, in.describe(), "length", in.steps(), true));
            steps = 1;
        }
        return steps;
    }
}
