package io.kiln.processor;

import io.kiln.dsl.Activation;
import javax.lang.model.element.VariableElement;

/**
 * Reading one layer field: its annotation, its name and the checks layer annotations share
 * (units, window sizes, a layer's own penalties, an activation's default). A value that is
 * reported is read as the nearest valid one, so that the shape walk can go on.
 */
final class LayerReading {
    final ReadContext context;
    final VariableElement field;
    final Annotation annotation;
    final String name;

    LayerReading(ReadContext context, VariableElement field, Annotation annotation) {
        this.context = context;
        this.field = field;
        this.annotation = annotation;
        this.name = field.getSimpleName().toString();
    }

    <T> T get(Attr<T> attribute) {
        return annotation.get(attribute);
    }

    void error(Attr<?> attribute, String message) {
        context.reporter.error(annotation, attribute, message);
    }

    /** The activation, or {@code fallback} for {@code DEFAULT}. */
    Activation activation(Attr<Activation> attribute, Activation fallback) {
        Activation a = get(attribute);
        return a == Activation.DEFAULT ? fallback : a;
    }

    /** Units of a dense or recurrent layer, which must be positive. */
    int units(Attr<Integer> attribute) {
        int units = get(attribute);
        if (units <= 0) {
            error(attribute, Message.UNITS_POSITIVE.format(units));
        }
        return units;
    }

    /** Filters of a convolution, which must be positive. */
    int filters(Attr<Integer> attribute) {
        int filters = get(attribute);
        if (filters <= 0) {
            error(attribute, Message.FILTERS_POSITIVE.format(filters));
        }
        return filters;
    }

    /** A positive count (heads, depth multiplier); read as 1 when it is not. */
    int positive(Attr<Integer> attribute, String fallback) {
        int v = get(attribute);
        if (v <= 0) {
            error(attribute, Message.POSITIVE.format(attribute.name, v,
                    ReadContext.example(annotation, attribute, x -> x > 0, fallback)));
        }
        return Math.max(1, v);
    }

    /** A 1-D size attribute: below {@code minimum} is an error, read as the minimum so the shape walk goes on. */
    int atLeast(Attr<Integer> attribute, int minimum) {
        int v = get(attribute);
        if (v < minimum) {
            error(attribute, Message.WINDOW_VALUE.format(attribute.name, annotation.simpleName,
                    minimum == 0 ? "0 or more" : "positive", v, ReadContext.example(annotation, attribute,
                            x -> x >= minimum, Integer.toString(Math.max(1, minimum)))));
            return minimum;
        }
        return v;
    }

    /**
     * One size attribute as {height, width}: one number is both. Values below {@code minimum} are
     * errors (and read as the minimum, so the shape walk goes on); an empty array is {@code empty}.
     */
    int[] pair(Attr<int[]> attribute, int minimum, int[] empty) {
        int[] v = get(attribute);
        if (v.length == 0 && empty != null) {
            return empty.clone();
        }
        if (v.length < 1 || v.length > 2) {
            error(attribute, Message.WINDOW_SIZE_COUNT.format(attribute.name, annotation.simpleName, v.length));
            return new int[] {Math.max(minimum, 1), Math.max(minimum, 1)};
        }
        int[] hw = {v[0], v[v.length - 1]};
        boolean reported = false;
        for (int i = 0; i < 2; i++) {
            if (hw[i] < minimum) {
                if (!reported) { // one message per attribute, for its first bad number
                    error(attribute, Message.WINDOW_VALUE.format(attribute.name, annotation.simpleName,
                            minimum == 0 ? "0 or more" : "positive", hw[i], ReadContext.example(annotation,
                                    attribute, x -> x >= minimum, Integer.toString(Math.max(1, minimum)))));
                    reported = true;
                }
                hw[i] = minimum;
            }
        }
        return hw;
    }

    /** A layer's own l1 or l2: any negative value inherits @Regularization's (returned as -1). */
    double penalty(Attr<Double> attribute) {
        double v = get(attribute);
        if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
            error(attribute, Message.NOT_NEGATIVE.format(attribute.name, ReadContext.number(v),
                    attribute.name + " = 0.0001, or a negative value to inherit @Regularization's"));
            return -1;
        }
        return v < 0 ? -1 : v;
    }

    /**
     * A layer's own learning rate: negative (the default) for the optimizer's; 0, NaN or infinite is
     * reported.
     */
    double rate(Attr<Double> attribute) {
        double v = get(attribute);
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            error(attribute, Message.POSITIVE.format(attribute.name, ReadContext.number(v),
                    "learningRate = 1e-4, or leave it out for the optimizer's"));
            return -1;
        }
        return v < 0 ? -1 : v;
    }

    /** {@code same = true} with padding: the padding is reported. */
    void samePadding(boolean same, boolean padded, Attr<?> padding, String mode) {
        if (same && padded) {
            error(padding, Message.SAME_WITH_PADDING.format(annotation.simpleName, mode));
        }
    }

    /**
     * The window of a 2-D convolution ({@code dilation} given) or pooling ({@code dilation} null,
     * {@code pooling} its type; an empty stride is the window), each size checked.
     */
    Window window2d(Attr<int[]> kernelAttr, Attr<int[]> strideAttr, Attr<int[]> paddingAttr, Attr<int[]> dilationAttr,
            Attr<Boolean> sameAttr, io.kiln.dsl.Pooling pooling) {
        boolean convolution = dilationAttr != null;
        int[] kernel = pair(kernelAttr, 1, null);
        int[] stride = pair(strideAttr, 1, convolution ? null : kernel); // pooling: empty = the window
        int[] padding = pair(paddingAttr, 0, null);
        int[] dilation = convolution ? pair(dilationAttr, 1, null) : new int[] {1, 1};
        boolean same = get(sameAttr);
        samePadding(same, padding[0] != 0 || padding[1] != 0, paddingAttr, "same");
        return new Window(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], dilation[0],
                dilation[1], same, pooling);
    }
}
