package io.kiln.processor;

import io.kiln.dsl.Activation;
import io.kiln.dsl.Encoding;
import io.kiln.dsl.Loss;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/** A validated spec, with every default resolved. Generators read only this. */
record SpecModel(
        TypeElement type,
        String packageName,
        String simpleName,
        String modelName,
        Task task,
        DataModel data,
        List<FeatureModel> features,
        LabelModel label,
        List<LayerModel> layers,
        OptimizerModel optimizer,
        FitModel fit,
        HoldoutModel holdout) {

    /** Number of output units the task and label call for. */
    int outputUnits() {
        return label.outputUnits(task);
    }

    enum FeatureKind { NUMERIC, BOOLEAN, CATEGORICAL }

    record FeatureModel(String name, String column, FeatureKind kind, TypeMirror type, List<String> levels,
            Encoding encoding, Scaling scaling, Missing missing, String constant) {}

    /** How label values are written in the data. */
    enum LabelCoding { BOOLEAN, INDEX, NAME, MULTI_HOT, VALUES }

    record LabelModel(String name, TypeMirror type, LabelCoding coding, List<String> columns,
            List<String> classes) {
        int outputUnits(Task task) {
            return switch (task) {
                case BINARY_CLASSIFICATION -> 1;
                case MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> classes.size();
                case SCALAR_REGRESSION, VECTOR_REGRESSION -> columns.size();
            };
        }
    }

    enum LayerKind { DENSE, DROPOUT, BATCH_NORM, OUTPUT }

    record LayerModel(String name, LayerKind kind, int units, Activation activation, Loss loss, double rate,
            double decay, double epsilon) {}

    enum OptimizerKind { SGD, MOMENTUM, NESTEROV, ADAM, ADAMW, RMSPROP, ADAGRAD }

    record OptimizerModel(OptimizerKind kind, double learningRate, double momentum, double beta1, double beta2,
            double epsilon, double decay, double weightDecay) {}

    record FitModel(int epochs, int batchSize, long seed) {}

    record HoldoutModel(double validation, double test, boolean stratified, boolean shuffle) {}

    /** The declared data source, or null when the program must be given one at run time. */
    record DataModel(String resource, String file, boolean header, char delimiter, List<String> missingValues) {}
}
