package io.kiln.examples.reuters;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;
import io.kiln.dsl.Text;
import io.kiln.dsl.TextEncoding;

/**
 * The baseline of {@link ReutersGrain}: logistic regression (an output layer alone) on a bag of
 * words, one 0/1 input per token of the same 10,000-token vocabulary, on the same split.
 */
@Model(task = Task.BINARY_CLASSIFICATION, name = "reuters-grain-bow")
@CsvData(file = "/usr/share/doc/weka/examples/ReutersGrain-train.arff",
        testFile = "/usr/share/doc/weka/examples/ReutersGrain-test.arff")
@Holdout(validation = 0.15)
@Adam(learningRate = 0.01)
@Fit(epochs = 30, batchSize = 32, seed = 42)
public class ReutersGrainBagOfWords {
    @Text(column = "Text", encoding = TextEncoding.BAG_OF_WORDS, vocabulary = 10000) String story;

    @Label(column = "class-att") boolean grain;

    @Output Layer out;
}
