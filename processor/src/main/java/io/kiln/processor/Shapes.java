package io.kiln.processor;

import io.kiln.dsl.TextEncoding;
import io.kiln.processor.SpecModel.FeatureKind;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.ImageModel;
import io.kiln.processor.SpecModel.LayerKind;
import io.kiln.processor.SpecModel.LayerModel;
import io.kiln.processor.SpecModel.SeriesModel;
import io.kiln.processor.SpecModel.Window;
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
    record Problem(int index, String attribute, String message) {}

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

    /**
     * Walks the layers from the input. After a problem the walk goes on from a plausible shape, so
     * one compilation reports every broken layer it can.
     */
    static Result infer(Shape input, List<LayerModel> layers) {
        Shape shape = input;
        List<Row> rows = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        LayerModel flattener = null; // the layer that turned an image or a sequence into a vector
        LayerModel sequencer = null; // the last layer that output a sequence
        for (int i = 0; i < layers.size(); i++) {
            LayerModel l = layers.get(i);
            String annotation = annotationOf(l);
            long params;
            if (shape instanceof Tokens t && l.kind() != LayerKind.EMBEDDING) {
                problems.add(new Problem(i, null, Message.TOKENS_NEED_EMBEDDING.format(annotation, l.name(),
                        t.feature())));
                // go on as if the layer had worked, so the layers after it are checked on their own
                if (l.kind() == LayerKind.DENSE || l.kind() == LayerKind.OUTPUT) {
                    shape = new Flat(l.units());
                    flattener = l;
                } else {
                    shape = new Sequence(t.length(), 1);
                    sequencer = l;
                }
                rows.add(new Row(l, shape, -1));
                continue;
            }
            switch (l.kind()) {
                case EMBEDDING -> {
                    if (!(shape instanceof Tokens t)) {
                        problems.add(new Problem(i, null, Message.EMBEDDING_NEEDS_TOKENS.format(l.name(),
                                i == 0 ? "the spec's features form " + inputWords(input)
                                        : "it follows '" + layers.get(i - 1).name() + "' (@"
                                                + annotationOf(layers.get(i - 1)) + ")")));
                        shape = new Sequence(shape instanceof Sequence s ? s.steps() : 1, l.units());
                        sequencer = l;
                        rows.add(new Row(l, shape, -1));
                        continue;
                    }
                    params = (t.vocabulary() + 2) * l.units();
                    shape = new Sequence(t.length(), l.units());
                    sequencer = l;
                }
                case CONV2D, SEPARABLE_CONV2D, POOL2D -> {
                    if (!(shape instanceof Image in)) {
                        problems.add(new Problem(i, null, flattener == null || shape instanceof Sequence
                                ? Message.NEEDS_IMAGE.format(annotation, l.name(), inputWords(input))
                                : Message.FLAT_BEFORE_IMAGE_LAYER.format(annotation, l.name(), flattener.name(),
                                        annotationOf(flattener), shape.describe())));
                        rows.add(new Row(l, shape, -1));
                        continue;
                    }
                    Window w = l.window();
                    long height = outputSize(in.height(), w.kernelHeight(), w.strideHeight(), w.padHeight(),
                            w.dilationHeight(), w.same());
                    long width = outputSize(in.width(), w.kernelWidth(), w.strideWidth(), w.padWidth(),
                            w.dilationWidth(), w.same());
                    String uncovered = w.same() ? sameStrideProblem(annotation, l, in.describe(),
                            new long[] {in.height(), in.width()}, new int[] {w.kernelHeight(), w.kernelWidth()},
                            new int[] {w.strideHeight(), w.strideWidth()},
                            new int[] {w.dilationHeight(), w.dilationWidth()}) : null;
                    if (uncovered != null) {
                        problems.add(new Problem(i, "stride", uncovered));
                    }
                    if (l.kind() == LayerKind.SEPARABLE_CONV2D && in.height() == 1 && in.width() == 1) {
                        problems.add(new Problem(i, null, Message.SEPARABLE_ONE_PIXEL.format(l.name(),
                                in.describe())));
                    }
                    if (height < 1 || width < 1) {
                        problems.add(new Problem(i, "kernel", tooLarge(annotation, l, in.describe(),
                                height < 1 ? "height" : "width", height < 1 ? in.height() : in.width(), height < 1)));
                        height = Math.max(height, 1);
                        width = Math.max(width, 1);
                    }
                    long channels = l.kind() == LayerKind.POOL2D ? in.channels() : l.units();
                    long taps = (long) w.kernelHeight() * w.kernelWidth();
                    params = switch (l.kind()) {
                        case CONV2D -> (taps * in.channels() + 1) * l.units();
                        // depthwise taps per channel and multiplier, then a 1x1 mix with a bias per filter
                        case SEPARABLE_CONV2D -> taps * in.channels() * l.depthMultiplier()
                                + in.channels() * l.depthMultiplier() * (long) l.units() + l.units();
                        default -> 0;
                    };
                    if (l.kind() == LayerKind.SEPARABLE_CONV2D && in.channels() == 1) {
                        problems.add(new Problem(i, null, Message.SEPARABLE_ONE_CHANNEL.format(l.name(),
                                in.describe())));
                    }
                    shape = new Image(height, width, channels);
                }
                case CONV1D, POOL1D, LSTM, SIMPLE_RNN, SELF_ATTENTION -> {
                    if (!(shape instanceof Sequence in)) {
                        problems.add(new Problem(i, null, flattener == null || shape instanceof Image
                                ? Message.NEEDS_SEQUENCE.format(annotation, l.name(), inputWords(input))
                                : Message.VECTOR_BEFORE_SEQUENCE_LAYER.format(annotation, l.name(), flattener.name(),
                                        annotationOf(flattener), shape.describe())));
                        // go on from a one-step sequence, so the layers after it are checked on their own
                        long channels = l.kind() == LayerKind.POOL1D
                                || l.kind() == LayerKind.SELF_ATTENTION && l.units() == 0 ? Math.max(1, flatSize(shape))
                                : l.bidirectional() ? 2L * l.units() : l.units();
                        shape = new Sequence(1, channels);
                        sequencer = l;
                        rows.add(new Row(l, shape, -1));
                        continue;
                    }
                    sequencer = l;
                    if (l.kind() == LayerKind.SELF_ATTENTION) {
                        long units = l.units() > 0 ? l.units() : in.channels();
                        int heads = l.attention().heads();
                        long headSize = l.attention().headSize();
                        if (headSize == 0 && units % heads != 0) {
                            problems.add(new Problem(i, "heads", Message.ATTENTION_HEADS.format(l.name(), units, heads,
                                    units, heads, units)));
                        }
                        headSize = headSize > 0 ? headSize : Math.max(1, units / heads);
                        // queries, keys and values: one projection each per head; then the heads to the output
                        params = 3 * heads * headSize * in.channels() + heads * headSize * units;
                        shape = new Sequence(in.steps(), units);
                        break;
                    }
                    if (l.kind().recurrent()) {
                        long n = l.units();
                        long one = l.kind() == LayerKind.LSTM ? 4 * (in.channels() * n + n * n + n)
                                : in.channels() * n + n * n + n;
                        params = l.bidirectional() ? 2 * one : one;
                        shape = new Sequence(in.steps(), l.bidirectional() ? 2 * n : n);
                        break;
                    }
                    Window w = l.window();
                    String uncovered = w.same() ? sameStrideProblem(annotation, l, in.describe(),
                            new long[] {in.steps()}, new int[] {w.kernelHeight()}, new int[] {w.strideHeight()},
                            new int[] {w.dilationHeight()}) : null;
                    if (uncovered != null) {
                        problems.add(new Problem(i, "stride", uncovered));
                    }
                    long steps = w.keepsLength() ? (in.steps() + w.strideHeight() - 1) / w.strideHeight()
                            : outputSize(in.steps(), w.kernelHeight(), w.strideHeight(), w.padHeight(),
                                    w.dilationHeight(), false);
                    if (steps < 1) {
                        problems.add(new Problem(i, "kernel", tooLarge(annotation, l, in.describe(), "length",
                                in.steps(), true)));
                        steps = 1;
                    }
                    boolean convolution = l.kind() == LayerKind.CONV1D;
                    params = convolution ? ((long) w.kernelHeight() * in.channels() + 1) * l.units() : 0;
                    shape = new Sequence(steps, convolution ? l.units() : in.channels());
                }
                case LAST_TIME_STEP -> {
                    LayerModel before = i > 0 ? layers.get(i - 1) : null;
                    if (before == null || !before.kind().recurrent() || !(shape instanceof Sequence)) {
                        problems.add(new Problem(i, null, Message.LAST_STEP_NEEDS_RECURRENT.format(l.name(),
                                before == null ? "it is the first layer"
                                        : "'" + before.name() + "' before it is @" + annotationOf(before))));
                        if (shape instanceof Sequence in) { // as if it had collapsed the sequence
                            shape = new Flat(in.channels());
                            flattener = l;
                        }
                        rows.add(new Row(l, shape, 0));
                        continue;
                    }
                    shape = new Flat(((Sequence) shape).channels());
                    flattener = l;
                    params = 0;
                }
                case GLOBAL_POOL -> {
                    if (shape instanceof Image in) {
                        shape = new Flat(in.channels());
                        flattener = l;
                    } else if (shape instanceof Sequence in) {
                        shape = new Flat(in.channels());
                        flattener = l;
                    } else {
                        problems.add(new Problem(i, null, Message.GLOBAL_POOL_FLAT.format(l.name(),
                                ((Flat) shape).size() < 0 ? "" : " of " + shape.describe() + " values")));
                    }
                    params = 0;
                }
                case DENSE, OUTPUT, BATCH_NORM -> {
                    if (shape instanceof Sequence in) {
                        String source = sequencer != null
                                ? "the output of '" + sequencer.name() + "' before it (@" + annotationOf(sequencer) + ")"
                                : "its input (@Series)";
                        problems.add(new Problem(i, null, Message.SEQUENCE_BEFORE_VECTOR_LAYER.format(annotation,
                                l.name(), source, in.steps(), in.channels(), l.name())));
                        shape = new Flat(in.channels());
                    }
                    if (l.kind() == LayerKind.BATCH_NORM) {
                        // DL4J keeps gamma, beta, the running mean and the variance: 4 per channel or unit
                        long n = shape instanceof Image in ? in.channels() : ((Flat) shape).size();
                        params = n < 0 ? -1 : 4 * n;
                        break;
                    }
                    long in = shape instanceof Image flattened ? flattened.size() : ((Flat) shape).size();
                    if (shape instanceof Image) {
                        flattener = l;
                    }
                    params = in < 0 ? -1 : in * l.units() + l.units();
                    shape = new Flat(l.units());
                }
                case RESIDUAL -> {
                    params = 0;
                    int source = residualSource(layers, i);
                    String why = source >= i - 1 || source < -1 ? residualProblem(layers, i, source) : null;
                    if (why == null && source >= 0 && layers.get(source).kind().recurrent()
                            && source + 1 < layers.size() && layers.get(source + 1).kind() == LayerKind.LAST_TIME_STEP) {
                        why = "@LastTimeStep '" + layers.get(source + 1).name() + "' right after it keeps only its "
                                + "last step, so its sequence is not an output of the network; name '"
                                + layers.get(source + 1).name() + "' to add that last step";
                    }
                    if (why != null) {
                        problems.add(new Problem(i, "from", Message.RESIDUAL_FROM.format(l.name(), l.from(), why)));
                        break;
                    }
                    Shape shortcut = source == -1 ? input : rows.get(source).output();
                    boolean unknown = shortcut instanceof Flat f && f.size() < 0 || shape instanceof Flat g && g.size() < 0;
                    if (!shortcut.equals(shape) || unknown) {
                        problems.add(new Problem(i, "from", Message.RESIDUAL_SHAPE.format(l.name(), l.from(),
                                shortcut.describe(), layers.get(i - 1).name(), shape.describe(),
                                residualFix(layers, i, shortcut, shape, unknown))));
                    }
                }
                case DROPOUT -> {
                    params = 0;
                    if (i > 0 && layers.get(i - 1).kind() == LayerKind.DROPOUT) {
                        LayerModel before = layers.get(i - 1);
                        problems.add(new Problem(i, null, Message.DROPOUT_TWICE.format(l.name(), before.name(),
                                1 - (1 - before.rate()) * (1 - l.rate()))));
                    } else if (i == 0 && input instanceof Image && i + 1 < layers.size()
                            && layers.get(i + 1).kind() != LayerKind.DENSE && layers.get(i + 1).kind() != LayerKind.OUTPUT) {
                        problems.add(new Problem(i, null, Message.DROPOUT_ON_IMAGE_INPUT.format(l.name(),
                                layers.get(i + 1).name(), annotationOf(layers.get(i + 1)))));
                    } else if (input instanceof Tokens t && shape instanceof Sequence) {
                        problems.add(new Problem(i, null, Message.DROPOUT_MASKED_SEQUENCE.format(l.name(),
                                t.feature())));
                    }
                }
                default -> throw new IllegalStateException(l.kind().toString());
            }
            String limit = beyondLimit(shape, params);
            if (limit != null) {
                problems.add(new Problem(i, null, Message.SIZE_LIMIT.format(annotation, l.name(), limit)));
            }
            rows.add(new Row(l, shape, params));
        }
        return new Result(input, rows, problems);
    }

    /**
     * The index of the layer a residual connection at {@code index} adds: -1 for the network's input,
     * {@code layers.size()} for a layer declared after it, -2 when no layer has that name.
     */
    static int residualSource(List<LayerModel> layers, int index) {
        String from = layers.get(index).from();
        if (LayerModel.INPUT.equals(from)) {
            return -1;
        }
        for (int j = 0; j < layers.size(); j++) {
            if (layers.get(j).name().equals(from)) {
                return j < index ? j : j == index ? index : layers.size();
            }
        }
        return -2;
    }

    private static String residualProblem(List<LayerModel> layers, int index, int source) {
        String from = layers.get(index).from();
        if (source == -2) {
            return from.isEmpty() ? "'from' is empty" : "no layer is named '" + from + "'";
        }
        if (source == index) {
            return "that is the connection itself";
        }
        if (source > index) {
            return "'" + from + "' is declared after it";
        }
        return source == -1 ? "the input is what it already gets: it is the first layer"
                : "'" + from + "' is the layer right before it, whose output is already one of the two added";
    }

    /** How to make a residual connection's two shapes agree. */
    private static String residualFix(List<LayerModel> layers, int index, Shape shortcut, Shape main,
            boolean unknown) {
        LayerModel before = layers.get(index - 1);
        if (unknown) {
            return "One of them is the width of the encoded features, which depends on one-hot levels learnt from the "
                    + "data: declare each categorical feature's levels = {...}, or add the output of a @Dense layer "
                    + "instead of the input.";
        }
        if (shortcut instanceof Image s && main instanceof Image m) {
            if (s.height() != m.height() || s.width() != m.width()) {
                return "The layers in between change the size from " + s.height() + "x" + s.width() + " to "
                        + m.height() + "x" + m.width() + ": keep it with same = true and no stride or pooling "
                        + "inside the block, or start the block after the size changes.";
            }
            return "Give '" + before.name() + "' " + s.channels() + " filters, the shortcut's channels, or start the "
                    + "block from a layer with " + m.channels() + ".";
        }
        if (shortcut instanceof Flat s && main instanceof Flat m) {
            return "Give '" + before.name() + "' " + s.size() + " units, the shortcut's, or start the block from a "
                    + "layer with " + m.size() + ".";
        }
        if (shortcut instanceof Sequence s && main instanceof Sequence m && s.steps() == m.steps()) {
            return "Give '" + before.name() + "' " + s.channels() + " units or filters, the shortcut's, or start the "
                    + "block from a layer with " + m.channels() + ".";
        }
        return "Make both outputs of the same kind and size, as a residual connection adds them: both images, both "
                + "sequences of the same length, or both vectors.";
    }

    /**
     * With {@code same = true}, DL4J pads so that the output is {@code ceil(in / stride)}, which needs
     * a (dilated) kernel that reaches the last input of each stride: at least {@code ((in - 1) mod
     * stride) + 1} wide; otherwise its padding comes out negative and the layer fails. The message for
     * the first dimension that breaks this, or null.
     */
    static String sameStrideProblem(String annotation, LayerModel l, String input, long[] sizes, int[] kernels,
            int[] strides, int[] dilations) {
        String[] names = sizes.length == 1 ? new String[] {"length"} : new String[] {"height", "width"};
        for (int d = 0; d < sizes.length; d++) {
            long needed = (sizes[d] - 1) % strides[d] + 1;
            long kernel = dilated(kernels[d], dilations[d]);
            if (strides[d] > 1 && kernel < needed) {
                return Message.SAME_STRIDE.format(annotation, l.name(), strides[d], kernel, input, names[d], sizes[d],
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
    private static long flatSize(Shape shape) {
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

    /** A kernel or window that does not fit dimension {@code dimension} (height, width or length) of size {@code size}. */
    private static String tooLarge(String annotation, LayerModel l, String input, String dimension, long size,
            boolean height) {
        Window w = l.window();
        int k = height ? w.kernelHeight() : w.kernelWidth();
        int d = height ? w.dilationHeight() : w.dilationWidth();
        int p = height ? w.padHeight() : w.padWidth();
        int s = height ? w.strideHeight() : w.strideWidth();
        long effective = dilated(k, d);
        boolean pooling = l.kind() == LayerKind.POOL2D || l.kind() == LayerKind.POOL1D;
        String what = pooling ? "window" : "kernel";
        String kernelText = what + " of " + k + (d > 1 ? " with dilation " + d + " (" + effective + " wide)" : "");
        long padding = (effective - size + 1) / 2;
        String fix = "Use a " + what + (d > 1 ? " and dilation spanning" : "") + " at most " + (size + 2L * p)
                + (l.kind() == LayerKind.POOL1D ? "" : ", padding = " + padding) + ", or same = true (output "
                + (size + s - 1) / s + ")."
                + (dimension.equals("length") ? " Earlier layers' strides and pooling may have shortened the sequence, "
                        + "or the @Series window is too short."
                        : " Earlier layers' strides and pooling may have shrunk the image too far.");
        return Message.KERNEL_TOO_LARGE.format(annotation, l.name(), input, kernelText, dimension, size, p, fix);
    }

    static String annotationOf(LayerModel l) {
        return switch (l.kind()) {
            case DENSE -> "Dense";
            case DROPOUT -> "Dropout";
            case BATCH_NORM -> "BatchNorm";
            case OUTPUT -> "Output";
            case CONV2D -> "Conv2D";
            case SEPARABLE_CONV2D -> "SeparableConv2D";
            case POOL2D -> "Pool2D";
            case GLOBAL_POOL -> "GlobalPool";
            case LSTM -> "Lstm";
            case SIMPLE_RNN -> "SimpleRnn";
            case LAST_TIME_STEP -> "LastTimeStep";
            case CONV1D -> "Conv1D";
            case POOL1D -> "Pool1D";
            case EMBEDDING -> "Embedding";
            case RESIDUAL -> "Residual";
            case SELF_ATTENTION -> "SelfAttention";
        };
    }
}
