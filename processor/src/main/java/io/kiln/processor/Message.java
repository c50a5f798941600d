package io.kiln.processor;

/**
 * Every diagnostic the Kiln processor prints. Each has a stable id, printed in brackets at the
 * start of the message, says what is wrong and, where there is one, how to fix it. Tests and the
 * error reference in {@code docs/errors.md} use these constants.
 */
public enum Message {
    SPEC_KIND("spec-kind", "@Model must annotate a class, not %s. Declare the spec as a class."),
    SPEC_PRIVATE("spec-private",
            "Spec class %s is private, so the generated code beside it cannot use it. Make it package-private or public."),
    SPEC_INNER("spec-inner",
            "Spec class %s is a non-static inner class; generated code cannot refer to it without an outer instance. Declare it 'static' or move it to the top level."),
    SPEC_LOCAL("spec-local", "Spec class %s is local or anonymous. Declare it at the top level or as a static nested class."),
    MODEL_NAME("model-name",
            "Model name \"%s\" is not usable as a file name. Use letters, digits, '-', '_' and '.' only."),
    NO_FEATURES("no-features",
            "Spec %s declares no data schema: no field is annotated @Feature. Annotate each input column's field with @Feature."),
    NO_LABEL("no-label", "Spec %s declares no label. Annotate the field the model predicts with @Label."),
    MULTIPLE_LABELS("multiple-labels",
            "A spec has exactly one @Label; %s is already the label. For several targets use one array field, e.g. '@Label(columns = {...}) double[] targets' with VECTOR_REGRESSION."),
    FEATURE_TYPE("feature-type",
            "@Feature field '%s' has type %s. Use a numeric type (double, float, int, long or boxed), boolean, String or an enum."),
    DUPLICATE_COLUMN("duplicate-column",
            "Column \"%s\" is already read by '%s'. Give each feature and label its own column."),
    DUPLICATE_LEVEL("duplicate-level", "Level \"%s\" is listed twice in '%s'. Remove the duplicate."),
    LEVELS_NOT_CATEGORICAL("levels-not-categorical",
            "levels are only for String features; '%s' is %s. Remove 'levels' or change the field type to String."),
    MISSING_STRATEGY("missing-strategy",
            "Missing-value strategy %s does not apply to %s feature '%s'. Use one of: %s."),
    MISSING_DEFAULT("missing-default",
            "@Preprocessing(%s = %s) cannot be the default of every %s feature. Use one of: %s (set CONSTANT on each @Feature with its constant)."),
    CONSTANT_REQUIRED("constant-required",
            "'%s' uses Missing.CONSTANT but gives no constant. Add constant = \"...\"."),
    CONSTANT_INVALID("constant-invalid", "constant \"%s\" of '%s' is not %s. %s"),
    CONSTANT_UNUSED("constant-unused",
            "'%s' sets constant = \"%s\" but its missing-value strategy is %s, so it is never used. Set missing = Missing.CONSTANT or remove 'constant'."),
    ENCODING_NOT_CATEGORICAL("encoding-not-categorical",
            "encoding applies to categorical features; '%s' is %s. Remove 'encoding'."),
    ORDINAL_NEEDS_LEVELS("ordinal-needs-levels",
            "Ordinal encoding of '%s' needs the levels in order. Declare levels = {...} (smallest first) or use an enum type."),
    SCALING_NOT_NUMERIC("scaling-not-numeric",
            "scaling applies to numeric and ordinal features; '%s' is %s. Remove 'scaling'."),
    LABEL_TYPE("label-type", "Task %s cannot use a label of type %s. %s"),
    CLASSES_REQUIRED("classes-required",
            "Task %s needs the class names of label '%s'. Add classes = {\"...\", ...} in the order of the output units."),
    CLASSES_COUNT("classes-count", "Task %s needs %s, but label '%s' declares %d. %s"),
    CLASSES_NOT_ALLOWED("classes-not-allowed",
            "%s label '%s' takes its classes from %s; remove 'classes'."),
    DUPLICATE_CLASS("duplicate-class", "Class \"%s\" is listed twice in label '%s'. Class names must be distinct."),
    LABEL_COLUMNS("label-columns", "%s"),
    TARGETS_COUNT("targets-count", "%s"),
    LAYER_FIELD_TYPE("layer-field-type",
            "Layer field '%s' has type %s. Declare layer fields with type io.kiln.dsl.Layer."),
    LAYER_CONFLICT("layer-conflict",
            "Field '%s' carries both %s and %s. Put one layer (or one feature or label) on each field."),
    NO_OUTPUT("no-output", "Spec %s has no output layer. Add '@Output Layer out;' as its last layer."),
    MULTIPLE_OUTPUTS("multiple-outputs", "Spec %s has a second @Output layer; '%s' is already the output. Keep one."),
    OUTPUT_NOT_LAST("output-not-last",
            "Layer '%s' follows the output layer '%s'. Move @Output to the last layer field."),
    UNITS_POSITIVE("units-positive", "units must be positive, was %d. Give the layer at least one unit."),
    OUTPUT_UNITS("output-units",
            "Output layer has %d units but %s needs %d (%s). Remove 'units' to infer it, or set units = %d."),
    DROPOUT_RATE("dropout-rate",
            "Dropout rate %s is outside [0, 1). The rate is the fraction of units dropped: use e.g. 0.2 to drop 20%%."),
    ACTIVATION_TASK("activation-task",
            "Task %s cannot use a %s output: %s. Remove 'activation' to use the default (%s)."),
    LOSS_TASK("loss-task", "Task %s cannot use %s loss: %s. Remove 'loss' to use the default (%s)."),
    FILTERS_POSITIVE("filters-positive", "filters must be positive, was %d. Give the convolution at least one filter."),
    WINDOW_SIZE_COUNT("window-size-count",
            "%s of @%s has %d numbers. Give one (the same for height and width) or two ({height, width})."),
    WINDOW_VALUE("window-value", "%s of @%s must be %s, was %d."),
    SAME_WITH_PADDING("same-with-padding",
            "@%s sets both same = true and padding; 'same' pads by itself so that the output is ceil(input / stride). Remove one of them."),
    KERNEL_TOO_LARGE("kernel-too-large",
            "@%s '%s' cannot run on its %s input: its %s is larger than the %s of %d plus padding %d on each side, so the output would be empty. %s"),
    NEEDS_IMAGE("needs-image",
            "@%s '%s' needs an image input, but the spec's features form a flat vector. Declare the image with @Image(height = .., width = .., channels = ..) on the spec class."),
    FLAT_BEFORE_IMAGE_LAYER("flat-before-image-layer",
            "@%s '%s' needs an image input, but '%s' before it (@%s) outputs a flat vector of %s values. Put convolution and pooling layers before the first @Dense or @GlobalPool."),
    GLOBAL_POOL_FLAT("global-pool-flat",
            "@GlobalPool '%s' needs an image to pool, but its input is a flat vector%s. Remove it, or place it after the convolution layers."),
    IMAGE_DIMENSION("image-dimension", "@Image %s must be positive, was %d."),
    IMAGE_SIZE("image-size",
            "@Image(height = %d, width = %d, channels = %d) has %d pixels, but the spec declares %d features. Declare one numeric @Feature per pixel, in order."),
    IMAGE_FEATURE("image-feature",
            "@Image pixels must be numeric features; '%s' is %s. Remove it from the spec or drop @Image."),
    BATCH_NORM_DECAY("batchnorm-decay", "Batch-norm decay %s is outside (0, 1). Typical values are 0.9 to 0.99."),
    POSITIVE("positive", "%s must be positive, was %s."),
    FRACTION("fraction", "%s must be in %s, was %s."),
    NOT_NEGATIVE("not-negative", "%s must be zero or positive, was %s."),
    NESTEROV_NEEDS_MOMENTUM("nesterov-needs-momentum",
            "nesterov = true needs momentum > 0. Set e.g. momentum = 0.9."),
    MULTIPLE_OPTIMIZERS("multiple-optimizers", "Spec %s declares %s and %s; choose one optimizer."),
    SPLIT_NO_TRAINING("split-no-training",
            "validation %s + test %s leaves no training data. Make the two fractions sum to less than 1 (e.g. 0.2 and 0.2)."),
    PROTOCOL_CONFLICT("protocol-conflict", "Spec %s declares %s and %s; choose one evaluation protocol. %s"),
    KFOLD_K("kfold-k", "k-fold cross-validation needs at least 2 folds, k was %d. Use e.g. k = 5 or k = 10."),
    KFOLD_REPEATS_UNSHUFFLED("kfold-repeats-unshuffled",
            "repeats = %d with shuffle = false draws the same folds %d times: unshuffled folds follow the file order. Set shuffle = true (each repeat reshuffles) or repeats = 1."),
    TEMPORAL_NO_ORDER("temporal-no-order",
            "@TemporalSplit needs the column that orders the rows in time. Set orderBy = \"...\" to a column of numbers or ISO-8601 dates."),
    RETRAIN_NO_VALIDATION("retrain-no-validation",
            "retrain = true retrains on the training plus validation rows for the best number of epochs, but validation = 0 sets no rows aside: there is nothing to add and no best epoch. Set e.g. validation = 0.2, or remove 'retrain'."),
    NEEDS_VALIDATION("needs-validation",
            "%s watches the validation data, but %s sets none aside. Set e.g. validation = 0.2, use @KFold, or remove %s."),
    MONITOR_METRIC("monitor-metric",
            "%s monitors %s, which task %s does not compute. Monitor one of: %s."),
    WEIGHT_DECAY_CONFLICT("weight-decay-conflict",
            "@Regularization(weightDecay = %s) repeats the decoupled weight decay that @AdamW already applies (weightDecay = %s). Declare it once: set @AdamW(weightDecay = ...) and remove weightDecay from @Regularization."),
    L2_WEIGHT_DECAY("l2-weight-decay",
            "L2 penalty %s (%s) and weight decay %s (%s) both shrink the weights, and DL4J applies only one of them to a layer. Keep one: remove l2, or the weight decay."),
    LABEL_SMOOTHING_TASK("label-smoothing-task",
            "labelSmoothing softens class targets; task %s predicts values, not classes. Remove 'labelSmoothing'."),
    THRESHOLD_TASK("threshold-task",
            "threshold is the decision threshold of BINARY_CLASSIFICATION; task %s %s. Remove 'threshold'."),
    CLIPPING_CONFLICT("clipping-conflict",
            "@GradientClipping declares both norm = %s and value = %s, but DL4J applies one gradient normalization per layer. Keep one: norm (rescale each layer's gradient to that L2 norm) or value (clip each element)."),
    CLIPPING_MISSING("clipping-missing",
            "@GradientClipping declares neither norm nor value, so it clips nothing. Set e.g. norm = 1.0 (each layer's gradient L2 norm) or value = 0.5 (each element)."),
    SCHEDULE_CONFLICT("schedule-conflict", "Spec %s declares %s and %s; choose one learning-rate schedule."),
    PLATEAU_SCHEDULE("plateau-schedule",
            "@ReduceOnPlateau lowers the learning rate when the validation stalls, but %s already sets the rate at every step; the two would fight. Keep one of them."),
    WARMUP_ONE_CYCLE("warmup-one-cycle",
            "@OneCycle warms up by itself: its rate rises to maxLearningRate over the first 'rise' of the run. Remove @Warmup."),
    SCHEDULE_BOUNDS("schedule-bounds", "@%s(%s = %s) cannot work: %s."),
    STEP_NEVER_DECAYS("step-never-decays",
            "@StepDecay(every = %d) first lowers the rate after %d epochs, which is not within %s: the rate never changes. Lower 'every' or remove @StepDecay."),
    DATA_SOURCE("data-source", "%s"),
    DELIMITER("delimiter", "Delimiter '%s' cannot separate CSV fields. Use e.g. ',' ';' '\\t' or '|'."),
    MULTICLASS_TWO_CLASSES("multiclass-two-classes",
            "MULTICLASS_CLASSIFICATION with 2 classes trains a softmax over two units; BINARY_CLASSIFICATION (one sigmoid unit) is the usual choice for two classes."),
    GENERATED_NAME_CLASH("generated-name-clash",
            "Cannot generate the code of spec %s: %s. Another spec in this compilation generates the same type names (a nested spec Outer.Inner generates Outer_InnerNetwork, ...). Rename one of the specs."),
    INTERNAL("internal", "Internal error in the Kiln processor; please report it: %s");

    private final String id;
    private final String template;

    Message(String id, String template) {
        this.id = "kiln." + id;
        this.template = template;
    }

    /** The stable id, e.g. {@code kiln.units-positive}. */
    public String id() {
        return id;
    }

    /** The message text with its arguments, prefixed by {@code [id]}. */
    public String format(Object... args) {
        return "[" + id + "] " + String.format(template, args);
    }

    /** The {@code [id]} prefix alone, for tests that assert on the id. */
    public String tag() {
        return "[" + id + "]";
    }
}
