package io.kiln.processor;

import io.kiln.processor.SpecModel.ImageModel;
import io.kiln.processor.SpecModel.LayerKind;
import io.kiln.processor.SpecModel.LayerModel;
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
    sealed interface Shape permits Flat, Image {
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
     * Walks the layers from the input: the image, or a flat vector of {@code flatWidth} values
     * (-1 when unknown at compile time). After a problem the walk goes on from a plausible shape,
     * so one compilation reports every broken layer it can.
     */
    static Result infer(ImageModel image, long flatWidth, List<LayerModel> layers) {
        Shape input = image != null ? new Image(image.height(), image.width(), image.channels()) : new Flat(flatWidth);
        Shape shape = input;
        List<Row> rows = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        LayerModel flattener = null; // the layer that turned an image into a vector
        for (int i = 0; i < layers.size(); i++) {
            LayerModel l = layers.get(i);
            long params;
            switch (l.kind()) {
                case CONV2D, POOL2D -> {
                    String annotation = l.kind() == LayerKind.CONV2D ? "Conv2D" : "Pool2D";
                    if (!(shape instanceof Image in)) {
                        problems.add(new Problem(i, null, flattener == null
                                ? Message.NEEDS_IMAGE.format(annotation, l.name())
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
                    if (height < 1 || width < 1) {
                        problems.add(new Problem(i, "kernel", tooLarge(annotation, l, in, height < 1)));
                        height = Math.max(height, 1);
                        width = Math.max(width, 1);
                    }
                    long channels = l.kind() == LayerKind.CONV2D ? l.units() : in.channels();
                    params = l.kind() == LayerKind.CONV2D
                            ? ((long) w.kernelHeight() * w.kernelWidth() * in.channels() + 1) * l.units() : 0;
                    shape = new Image(height, width, channels);
                }
                case GLOBAL_POOL -> {
                    if (shape instanceof Image in) {
                        shape = new Flat(in.channels());
                        flattener = l;
                    } else {
                        problems.add(new Problem(i, null, Message.GLOBAL_POOL_FLAT.format(l.name(),
                                ((Flat) shape).size() < 0 ? "" : " of " + shape.describe() + " values")));
                    }
                    params = 0;
                }
                case DENSE, OUTPUT -> {
                    long in = shape instanceof Image flattened ? flattened.size() : ((Flat) shape).size();
                    if (shape instanceof Image) {
                        flattener = l;
                    }
                    params = in < 0 ? -1 : in * l.units() + l.units();
                    shape = new Flat(l.units());
                }
                case BATCH_NORM -> {
                    // DL4J keeps gamma, beta, the running mean and the variance: 4 per channel or unit
                    long n = shape instanceof Image in ? in.channels() : ((Flat) shape).size();
                    params = n < 0 ? -1 : 4 * n;
                }
                case DROPOUT -> params = 0;
                default -> throw new IllegalStateException(l.kind().toString());
            }
            rows.add(new Row(l, shape, params));
        }
        return new Result(input, rows, problems);
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

    private static String tooLarge(String annotation, LayerModel l, Image in, boolean heightFails) {
        Window w = l.window();
        int k = heightFails ? w.kernelHeight() : w.kernelWidth();
        int d = heightFails ? w.dilationHeight() : w.dilationWidth();
        int p = heightFails ? w.padHeight() : w.padWidth();
        int s = heightFails ? w.strideHeight() : w.strideWidth();
        long size = heightFails ? in.height() : in.width();
        long effective = dilated(k, d);
        String what = l.kind() == LayerKind.POOL2D ? "window" : "kernel";
        String kernelText = what + " of " + k + (d > 1 ? " with dilation " + d + " (" + effective + " wide)" : "");
        long padding = (effective - size + 1) / 2;
        String fix = "Use a " + what + (d > 1 ? " and dilation spanning" : "") + " at most " + (size + 2L * p)
                + ", padding = " + padding + ", or same = true (output " + (size + s - 1) / s + ")."
                + " Earlier layers' strides and pooling may have shrunk the image too far.";
        return Message.KERNEL_TOO_LARGE.format(annotation, l.name(), in.describe(), kernelText,
                heightFails ? "height" : "width", size, p, fix);
    }

    static String annotationOf(LayerModel l) {
        return switch (l.kind()) {
            case DENSE -> "Dense";
            case DROPOUT -> "Dropout";
            case BATCH_NORM -> "BatchNorm";
            case OUTPUT -> "Output";
            case CONV2D -> "Conv2D";
            case POOL2D -> "Pool2D";
            case GLOBAL_POOL -> "GlobalPool";
        };
    }
}
