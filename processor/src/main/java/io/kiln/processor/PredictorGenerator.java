package io.kiln.processor;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.LabelModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;

/**
 * Generates {@code <Name>Predictor}: typed inference over the declared schema. {@code Input} has
 * one component per feature (with the feature's declared Java type); {@code Prediction} carries the
 * label in its declared type, plus probabilities for classification.
 */
final class PredictorGenerator {
    private PredictorGenerator() {}

    static TypeSpec generate(SpecModel spec) {
        ClassName self = ClassName.get(spec.packageName(), spec.simpleName() + "Predictor");
        ClassName input = self.nestedClass("Input");
        ClassName prediction = self.nestedClass("Prediction");
        ClassName specType = ClassName.get(spec.type());
        TypeName stringDoubleMap = ParameterizedTypeName.get(Map.class, String.class, Double.class);

        MethodSpec.Builder inputCtor = MethodSpec.constructorBuilder();
        boolean series = spec.series() != null;
        boolean pixels = spec.idx() != null; // one array of pixels rather than a component per pixel
        InputForm form = pixels ? InputForm.PIXELS : inputForm(spec);
        switch (form) {
            case PIXELS -> inputCtor.addParameter(ArrayTypeName.of(TypeName.DOUBLE), "pixels");
            case NUMBERS -> inputCtor.addParameter(ArrayTypeName.of(TypeName.DOUBLE), "values");
            case OBJECTS, GROUP_VALUES -> inputCtor.addParameter(ArrayTypeName.of(ClassName.OBJECT), "values");
            case WINDOWS -> inputCtor.addParameter(ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE)), "values");
            case COMPONENTS, GROUPS -> {
                for (FeatureModel f : spec.features()) {
                    // a series sample is the last 'window' values of each feature, oldest first
                    inputCtor.addParameter(ParameterSpec.builder(series ? ArrayTypeName.of(TypeName.DOUBLE)
                            : TypeName.get(f.type()), f.name()).build());
                }
            }
        }
        TypeSpec inputType = TypeSpec.recordBuilder("Input")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc(inputDoc(spec, form, specType))
                .recordConstructor(inputCtor.build())
                .build();

        LabelModel label = spec.label();
        MethodSpec.Builder predictionCtor = MethodSpec.constructorBuilder();
        TypeName labelType = labelType(spec);
        predictionCtor.addParameter(labelType, label.name());
        boolean binaryBoolean = label.coding() == SpecModel.LabelCoding.BOOLEAN;
        if (binaryBoolean) {
            predictionCtor.addParameter(double.class, "probability");
        } else if (spec.task().isClassification()) {
            predictionCtor.addParameter(stringDoubleMap, "probabilities");
        }
        TypeSpec predictionType = TypeSpec.recordBuilder("Prediction")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc(predictionDoc(spec))
                .recordConstructor(predictionCtor.build())
                .build();

        TypeName inputList = ParameterizedTypeName.get(ClassName.get(List.class), input);
        TypeName predictionList = ParameterizedTypeName.get(ClassName.get(List.class), prediction);

        MethodSpec.Builder batch = MethodSpec.methodBuilder("predict")
                .addModifiers(Modifier.PUBLIC)
                .returns(predictionList)
                .addParameter(inputList, "inputs")
                .addJavadoc("Predicts a batch in one forward pass. Thread-safe.\n")
                .addStatement("$T[][] rows = new $T[inputs.size()][]", Object.class, Object.class)
                .beginControlFlow("for (int i = 0; i < rows.length; i++)")
                .addStatement("$T in = inputs.get(i)", input)
                .addStatement(switch (form) {
                    case PIXELS -> CodeBlock.of("rows[i] = $T.row(in.pixels(), FEATURES.size())", Names.IMAGE_PIXELS);
                    case NUMBERS, OBJECTS -> CodeBlock.of("rows[i] = $T.of(in.values(), FEATURES)", Names.FEATURE_ROW);
                    case WINDOWS -> CodeBlock.of("rows[i] = SERIES.row(SERIES_FEATURES, in.values())");
                    case GROUP_VALUES -> CodeBlock.of("rows[i] = model.inputRow(layout, in.values())");
                    case GROUPS -> CodeBlock.of("rows[i] = model.inputRow(layout, new $T[] {$L})", Object.class,
                            spec.features().stream().map(f -> CodeBlock.of("in.$N()", f.name()))
                                    .collect(CodeBlock.joining(", ")));
                    case COMPONENTS -> series
                            ? CodeBlock.of("rows[i] = SERIES.row(SERIES_FEATURES, $L)", spec.features().stream()
                                    .map(f -> CodeBlock.of("in.$N()", f.name())).collect(CodeBlock.joining(", ")))
                            : CodeBlock.of("rows[i] = new $T[] {$L}", Object.class, spec.features().stream()
                                    .map(f -> CodeBlock.of("in.$N()", f.name())).collect(CodeBlock.joining(", ")));
                })
                .endControlFlow()
                .addStatement("$T p = model.predict(rows)", Names.PREDICTIONS)
                .addStatement("$T result = new $T<>(rows.length)", predictionList, ArrayList.class)
                .beginControlFlow("for (int i = 0; i < rows.length; i++)")
                .addStatement("result.add(new $T($L))", prediction, predictionArgs(spec))
                .endControlFlow()
                .addStatement("return result");

        List<String> featureNames = spec.features().stream().map(FeatureModel::name).toList();
        TypeSpec.Builder type = TypeSpec.classBuilder(self);
        if (series) {
            type.addField(FieldSpec.builder(Names.SERIES_WINDOW, "SERIES", Modifier.PRIVATE, Modifier.STATIC,
                            Modifier.FINAL)
                    .initializer("new $T($L, $L)", Names.SERIES_WINDOW, spec.series().window(), spec.series().horizon())
                    .build());
            type.addField(FieldSpec.builder(ParameterizedTypeName.get(List.class, String.class), "SERIES_FEATURES",
                            Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$L", TrainerGenerator.nameList(featureNames))
                    .build());
        }
        type.addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(NetworkGenerator.generated())
                .addOriginatingElement(spec.type())
                .addJavadoc("Typed predictions of a model trained from {@link $T}. Generated by Kiln.\n\n"
                        + "<p>Needs only the model file and the Kiln runtime on the class path:\n"
                        + "<pre>{@code\n$T predictor = $T.load(Path.of(\"$L.kiln\"));\n"
                        + "$T.Prediction p = predictor.predict(new $T.Input(...));\n}</pre>\n",
                        specType, self, self, spec.modelName(), self, self)
                .addType(inputType)
                .addType(predictionType);
        boolean groups = form == InputForm.GROUPS || form == InputForm.GROUP_VALUES;
        if (groups) {
            // the columns of each @Features group are the trained model's: the layout maps the inputs onto them
            type.addField(FieldSpec.builder(ParameterizedTypeName.get(List.class, String.class), "INPUTS",
                            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("The names of {@link Input}'s components: features and {@code @Features} groups, "
                            + "in declaration order. The model's features, a column each, are "
                            + "{@code model().metadata().features()}.\n")
                    .initializer(TrainerGenerator.nameList(featureNames))
                    .build());
            type.addField(FieldSpec.builder(int[][].class, "layout", Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("The model's feature positions of each component of {@link Input}.\n")
                    .build());
        } else {
            type.addField(FieldSpec.builder(ParameterizedTypeName.get(List.class, String.class), "FEATURES", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc(series ? "The model's inputs: each feature's window steps, {@code name[t-k]}, "
                                + "oldest first.\n" : form == InputForm.COMPONENTS
                                ? "The feature names, in the order of {@link Input}'s components.\n"
                                : "The feature names, in the order of {@link Input}'s values.\n")
                        .initializer(pixels ? CodeBlock.of("$T.features($L, $L, $L).stream().map($T::name).toList()",
                                Names.IMAGE_PIXELS, spec.image().height(), spec.image().width(),
                                spec.image().channels(), Names.FEATURE_SCHEMA)
                                : series ? CodeBlock.of("SERIES.names(SERIES_FEATURES)") // as the runtime names the steps
                                : TrainerGenerator.nameList(featureNames))
                        .build());
        }
        MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addParameter(Names.KILN_MODEL, "model")
                .addJavadoc("Wraps a loaded model; fails if it was not trained on this spec's features.\n");
        if (groups) {
            constructor.addStatement("this.layout = model.inputLayout(INPUTS)");
        } else {
            constructor.addStatement("model.requireFeatures(FEATURES)");
        }
        return type
                .addField(Names.KILN_MODEL, "model", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(constructor.addStatement("this.model = model").build())
                .addMethod(MethodSpec.methodBuilder("load")
                        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .returns(self)
                        .addParameter(Path.class, "file")
                        .addException(IOException.class)
                        .addJavadoc("Loads a model file written by {@code train}.\n")
                        .addStatement("return new $T($T.load(file))", self, Names.KILN_MODEL)
                        .build())
                .addMethod(MethodSpec.methodBuilder("model")
                        .addModifiers(Modifier.PUBLIC)
                        .returns(Names.KILN_MODEL)
                        .addJavadoc("The underlying model: network, preprocessing state and provenance.\n")
                        .addStatement("return model")
                        .build())
                .addMethod(MethodSpec.methodBuilder("predict")
                        .addModifiers(Modifier.PUBLIC)
                        .returns(prediction)
                        .addParameter(input, "input")
                        .addJavadoc("Predicts one sample. Thread-safe.\n")
                        .addStatement("return predict($T.of(input)).get(0)", List.class)
                        .build())
                .addMethod(batch.build())
                .build();
    }

    /**
     * How {@code Input} holds a sample: one component per feature while they fit in a record's
     * canonical constructor (the JVM allows 255 parameter slots, {@code this} takes one, a
     * {@code long} or {@code double} two); beyond that one array in the order of {@code FEATURES}.
     */
    enum InputForm { COMPONENTS, PIXELS, NUMBERS, OBJECTS, WINDOWS, GROUPS, GROUP_VALUES }

    /** Parameter slots a record constructor may use: 255 less one for {@code this}. */
    static final int MAX_PARAMETER_SLOTS = 254;

    static InputForm inputForm(SpecModel spec) {
        if (spec.idx() != null) {
            return InputForm.PIXELS;
        }
        boolean series = spec.series() != null;
        int slots = 0;
        for (FeatureModel f : spec.features()) {
            TypeKind kind = f.type().getKind(); // a group's is an array: one slot
            slots += !series && (kind == TypeKind.DOUBLE || kind == TypeKind.LONG) ? 2 : 1;
        }
        if (spec.features().stream().anyMatch(FeatureModel::isGroup)) {
            // a component per feature and an array per group of columns, or all of them in one array
            return slots <= MAX_PARAMETER_SLOTS ? InputForm.GROUPS : InputForm.GROUP_VALUES;
        }
        if (slots <= MAX_PARAMETER_SLOTS) {
            return InputForm.COMPONENTS;
        }
        if (series) {
            return InputForm.WINDOWS;
        }
        return spec.features().stream().allMatch(f -> f.type().getKind().isPrimitive()
                && f.type().getKind() != TypeKind.BOOLEAN && f.type().getKind() != TypeKind.CHAR)
                ? InputForm.NUMBERS : InputForm.OBJECTS;
    }

    private static CodeBlock inputDoc(SpecModel spec, InputForm form, ClassName specType) {
        return switch (form) {
            case PIXELS -> CodeBlock.of("One image of {@link $T}: its $L pixel intensities in [0, 1], channel by "
                    + "channel, each row by row (byte / 255 of an IDX image).\n", specType, spec.features().size());
            case NUMBERS -> CodeBlock.of("One sample of {@link $T}: the values of its $L features in the order of "
                    + "{@link #FEATURES} (too many for one record component each).\n", specType,
                    spec.features().size());
            case OBJECTS -> CodeBlock.of("One sample of {@link $T}: the values of its $L features in the order of "
                    + "{@link #FEATURES}, each of its field's type (too many for one record component each); a null "
                    + "is a missing value.\n", specType, spec.features().size());
            case WINDOWS -> CodeBlock.of("One window of {@link $T}: for each {@code @Feature}, in declaration order, "
                    + "its last $L values, oldest first (the spec's @Series window).\n", specType,
                    spec.series().window());
            case GROUP_VALUES -> CodeBlock.of("One sample of {@link $T}: a value per name of {@link #INPUTS} (too "
                    + "many for one record component each): a feature's value of its field's type, a {@code @Features} "
                    + "group's array with a value per column; a null is missing.\n", specType);
            case GROUPS -> CodeBlock.of("One sample of {@link $T}: a component per {@code @Feature}, and per "
                    + "{@code @Features} group an array with a value for each of its columns, in the order the trained "
                    + "model found them in its data's header. A null component (boxed, String or array) is missing.\n",
                    specType);
            case COMPONENTS -> spec.series() != null
                    ? CodeBlock.of("One window, one component per {@code @Feature} of {@link $T}: its last $L "
                            + "values, oldest first (the spec's @Series window).\n", specType, spec.series().window())
                    : CodeBlock.of("One sample, one component per {@code @Feature} of {@link $T}. "
                            + "A null (boxed or String) component is a missing value.\n", specType);
        };
    }

    private static TypeName labelType(SpecModel spec) {
        LabelModel label = spec.label();
        return switch (label.coding()) {
            case BOOLEAN -> TypeName.BOOLEAN;
            case INDEX -> TypeName.get(label.type()).unbox();
            case NAME -> TypeName.get(label.type());
            case MULTI_HOT -> ArrayTypeName.of(TypeName.BOOLEAN);
            case VALUES -> spec.task() == io.kiln.dsl.Task.VECTOR_REGRESSION
                    ? ArrayTypeName.of(TypeName.DOUBLE) : TypeName.DOUBLE;
        };
    }

    private static CodeBlock predictionArgs(SpecModel spec) {
        LabelModel label = spec.label();
        return switch (label.coding()) {
            case BOOLEAN -> CodeBlock.of("p.classIndex(i) == 1, p.probability(i)");
            case INDEX -> TypeName.get(label.type()).unbox().equals(TypeName.LONG)
                    ? CodeBlock.of("(long) p.classIndex(i), p.probabilities(i)")
                    : CodeBlock.of("p.classIndex(i), p.probabilities(i)");
            case NAME -> SchemaReader.isEnum(label.type())
                    ? CodeBlock.of("$T.valueOf(p.className(i)), p.probabilities(i)", TypeName.get(label.type()))
                    : CodeBlock.of("p.className(i), p.probabilities(i)");
            case MULTI_HOT -> CodeBlock.of("p.labels(i), p.probabilities(i)");
            case VALUES -> spec.task() == io.kiln.dsl.Task.VECTOR_REGRESSION
                    ? CodeBlock.of("p.values(i)") : CodeBlock.of("p.value(i)");
        };
    }

    private static CodeBlock predictionDoc(SpecModel spec) {
        LabelModel label = spec.label();
        return switch (label.coding()) {
            case BOOLEAN -> CodeBlock.of("The predicted {@code $L} (probability of {@code true} at least $L) and "
                    + "that probability.\n", label.name(), label.threshold());
            case INDEX, NAME -> spec.task() == io.kiln.dsl.Task.BINARY_CLASSIFICATION
                    ? CodeBlock.of("The predicted class of {@code $L} ({@code $L} when its probability is at least $L) "
                            + "and every class's probability (in the order $L).\n", label.name(),
                            label.classes().get(1), label.threshold(), label.classes())
                    : CodeBlock.of("The most probable class of {@code $L} and every class's probability "
                            + "(in the order $L).\n", label.name(), label.classes());
            case MULTI_HOT -> CodeBlock.of("Which labels of {@code $L} apply (probability at least 0.5), in the order "
                    + "$L, and each label's probability.\n", label.name(), label.classes());
            case VALUES -> CodeBlock.of("The predicted {@code $L}, in the units of the data.\n", label.name());
        };
    }
}
