package io.kiln.examples.reuters;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Embedding;
import io.kiln.dsl.Fit;
import io.kiln.dsl.GlobalPool;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Pooling;
import io.kiln.dsl.Residual;
import io.kiln.dsl.SelfAttention;
import io.kiln.dsl.Task;
import io.kiln.dsl.Text;

/**
 * Reuters "grain" through one Transformer-style block (test spec of {@code AttentionTest}): each
 * token's embedding plus what two attention heads gather for it from the rest of the story, then
 * max pooling over the tokens. Residual, so generated as a ComputationGraph over token ids.
 */
@Model(task = Task.BINARY_CLASSIFICATION, name = "reuters-grain-attention")
@CsvData(file = "/usr/share/doc/weka/examples/ReutersGrain-train.arff",
        testFile = "/usr/share/doc/weka/examples/ReutersGrain-test.arff")
@Holdout(validation = 0.15)
@Adam(learningRate = 0.003)
@Fit(epochs = 6, batchSize = 32, seed = 42)
public class ReutersGrainAttention {
    @Text(column = "Text", maxTokens = 200, vocabulary = 10000) String story;

    @Label(column = "class-att") boolean grain;

    @Embedding(units = 32) Layer embedding;
    @SelfAttention(heads = 2) Layer attention;
    @Residual(from = "embedding") Layer block;
    @GlobalPool(type = Pooling.MAX) Layer pool;
    @Output Layer out;
}
