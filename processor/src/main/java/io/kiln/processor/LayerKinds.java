package io.kiln.processor;

import java.util.List;
import java.util.function.Function;

/**
 * The one table of layer kinds: each layer annotation with the record it becomes and the rule
 * that reads it. Nothing else in the processor lists the layer kinds; a test checks that this
 * table covers every record {@link LayerModel} permits and every layer annotation of
 * {@code io.kiln.dsl}.
 */
final class LayerKinds {
    private LayerKinds() {}

    /** A layer annotation, the record it reads into, and how. */
    record Kind(Class<? extends java.lang.annotation.Annotation> annotation, Class<? extends LayerModel> model,
            Function<LayerReading, ? extends LayerModel> reader) {}

    static final List<Kind> ALL = List.of(
            new Kind(io.kiln.dsl.Dense.class, DenseLayer.class, DenseLayer::read),
            new Kind(io.kiln.dsl.Dropout.class, DropoutLayer.class, DropoutLayer::read),
            new Kind(io.kiln.dsl.BatchNorm.class, BatchNormLayer.class, BatchNormLayer::read),
            new Kind(io.kiln.dsl.Conv2D.class, Conv2DLayer.class, Conv2DLayer::read),
            new Kind(io.kiln.dsl.SeparableConv2D.class, SeparableConv2DLayer.class, SeparableConv2DLayer::read),
            new Kind(io.kiln.dsl.Pool2D.class, Pool2DLayer.class, Pool2DLayer::read),
            new Kind(io.kiln.dsl.GlobalPool.class, GlobalPoolLayer.class, GlobalPoolLayer::read),
            new Kind(io.kiln.dsl.Conv1D.class, Conv1DLayer.class, Conv1DLayer::read),
            new Kind(io.kiln.dsl.Pool1D.class, Pool1DLayer.class, Pool1DLayer::read),
            new Kind(io.kiln.dsl.Lstm.class, LstmLayer.class, LstmLayer::read),
            new Kind(io.kiln.dsl.SimpleRnn.class, SimpleRnnLayer.class, SimpleRnnLayer::read),
            new Kind(io.kiln.dsl.LastTimeStep.class, LastTimeStepLayer.class, LastTimeStepLayer::read),
            new Kind(io.kiln.dsl.Embedding.class, EmbeddingLayer.class, EmbeddingLayer::read),
            new Kind(io.kiln.dsl.SelfAttention.class, SelfAttentionLayer.class, SelfAttentionLayer::read),
            new Kind(io.kiln.dsl.Residual.class, ResidualLayer.class, ResidualLayer::read),
            new Kind(io.kiln.dsl.Output.class, OutputLayer.class, OutputLayer::read));

    /** The kind of the layer annotation with this qualified name, or null when it is not one. */
    static Kind of(String qualifiedName) {
        for (Kind k : ALL) {
            if (k.annotation().getName().equals(qualifiedName)) {
                return k;
            }
        }
        return null;
    }

    static boolean isLayer(String qualifiedName) {
        return of(qualifiedName) != null;
    }

    /** Reads a layer field whose annotation {@code a} is a layer annotation. */
    static LayerModel read(ReadContext context, javax.lang.model.element.VariableElement field, Annotation a) {
        String qualified = ((javax.lang.model.element.TypeElement) a.mirror.getAnnotationType().asElement())
                .getQualifiedName().toString();
        return of(qualified).reader().apply(new LayerReading(context, field, a));
    }
}
