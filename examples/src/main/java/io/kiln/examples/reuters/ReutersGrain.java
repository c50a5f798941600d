package io.kiln.examples.reuters;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Dropout;
import io.kiln.dsl.EarlyStopping;
import io.kiln.dsl.Embedding;
import io.kiln.dsl.Fit;
import io.kiln.dsl.GlobalPool;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Metric;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Pooling;
import io.kiln.dsl.Task;
import io.kiln.dsl.Text;

/**
 * Is a Reuters newswire story about grain? The Reuters-21578 ModApte "grain" split as Weka ships
 * it (Debian {@code weka}, installed by the test set-up): 1,554 training stories (103 about grain)
 * and the official 604 test stories. The text becomes the ids of its first 200 tokens over the
 * 10,000 most frequent training tokens; an embedding learns a vector per token and max pooling
 * over the story keeps, per dimension, its strongest token. Compare with {@link ReutersGrainBagOfWords},
 * logistic regression on the same vocabulary.
 */
@Model(task = Task.BINARY_CLASSIFICATION, name = "reuters-grain")
@CsvData(file = "/usr/share/doc/weka/examples/ReutersGrain-train.arff",
        testFile = "/usr/share/doc/weka/examples/ReutersGrain-test.arff")
@Holdout(validation = 0.15)
@Adam(learningRate = 0.003)
@EarlyStopping(monitor = Metric.ROC_AUC, patience = 5)
@Fit(epochs = 30, batchSize = 32, seed = 42)
public class ReutersGrain {
    @Text(column = "Text", maxTokens = 200, vocabulary = 10000) String story;

    @Label(column = "class-att") boolean grain;

    @Embedding(units = 32) Layer embedding;
    @GlobalPool(type = Pooling.MAX) Layer pool;
    @Dropout(rate = 0.3) Layer drop;
    @Dense(units = 16) Layer hidden;
    @Output Layer out;
}
