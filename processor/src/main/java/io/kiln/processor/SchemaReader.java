package io.kiln.processor;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.processor.SpecModel.FeatureKind;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.LabelCoding;
import io.kiln.processor.SpecModel.LabelModel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Reads the data schema: {@code @Preprocessing}'s defaults, each {@code @Feature} and {@code @Text}
 * field, and the {@code @Label}, with the rules on their Java types, levels, classes, columns,
 * encodings, scalings and missing-value strategies.
 */
final class SchemaReader {
    static final Attr<String[]> CSVDATA_MISSING_VALUES = Attr.of(io.kiln.dsl.CsvData.class, io.kiln.dsl.CsvData::missingValues);
    static final Attr<String> FEATURE_COLUMN = Attr.of(io.kiln.dsl.Feature.class, io.kiln.dsl.Feature::column);
    static final Attr<String> FEATURE_CONSTANT = Attr.of(io.kiln.dsl.Feature.class, io.kiln.dsl.Feature::constant);
    static final Attr<Encoding> FEATURE_ENCODING = Attr.of(io.kiln.dsl.Feature.class, io.kiln.dsl.Feature::encoding);
    static final Attr<String[]> FEATURE_LEVELS = Attr.of(io.kiln.dsl.Feature.class, io.kiln.dsl.Feature::levels);
    static final Attr<Missing> FEATURE_MISSING = Attr.of(io.kiln.dsl.Feature.class, io.kiln.dsl.Feature::missing);
    static final Attr<Scaling> FEATURE_SCALING = Attr.of(io.kiln.dsl.Feature.class, io.kiln.dsl.Feature::scaling);
    static final Attr<String> FEATURES_MATCHING = Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::matching);
    static final Attr<String> FEATURES_FROM = Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::from);
    static final Attr<String> FEATURES_TO = Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::to);
    static final Attr<Integer> FEATURES_EVERY = Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::every);
    static final Attr<Integer> FEATURES_COUNT = Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::count);
    static final Attr<String[]> LABEL_CLASSES = Attr.of(io.kiln.dsl.Label.class, io.kiln.dsl.Label::classes);
    static final Attr<String> LABEL_COLUMN = Attr.of(io.kiln.dsl.Label.class, io.kiln.dsl.Label::column);
    static final Attr<String[]> LABEL_COLUMNS = Attr.of(io.kiln.dsl.Label.class, io.kiln.dsl.Label::columns);
    static final Attr<Double> LABEL_THRESHOLD = Attr.of(io.kiln.dsl.Label.class, io.kiln.dsl.Label::threshold);
    static final Attr<Scaling> PREPROCESSING_SCALING = Attr.of(io.kiln.dsl.Preprocessing.class, io.kiln.dsl.Preprocessing::scaling);
    static final Attr<String> TEXT_COLUMN = Attr.of(io.kiln.dsl.Text.class, io.kiln.dsl.Text::column);
    static final Attr<io.kiln.dsl.TextEncoding> TEXT_ENCODING = Attr.of(io.kiln.dsl.Text.class, io.kiln.dsl.Text::encoding);
    static final Attr<Boolean> TEXT_LOWERCASE = Attr.of(io.kiln.dsl.Text.class, io.kiln.dsl.Text::lowercase);
    static final Attr<Integer> TEXT_MAX_TOKENS = Attr.of(io.kiln.dsl.Text.class, io.kiln.dsl.Text::maxTokens);
    static final Attr<Integer> TEXT_VOCABULARY = Attr.of(io.kiln.dsl.Text.class, io.kiln.dsl.Text::vocabulary);
    static final Attr<Missing> PREPROCESSING_NUMERIC_MISSING =
            Attr.of(io.kiln.dsl.Preprocessing.class, io.kiln.dsl.Preprocessing::numericMissing);
    static final Attr<Missing> PREPROCESSING_CATEGORICAL_MISSING =
            Attr.of(io.kiln.dsl.Preprocessing.class, io.kiln.dsl.Preprocessing::categoricalMissing);
    static final Attr<Missing> PREPROCESSING_BOOLEAN_MISSING =
            Attr.of(io.kiln.dsl.Preprocessing.class, io.kiln.dsl.Preprocessing::booleanMissing);

    /** The {@code column} attribute of a feature, text or label annotation. */
    static Attr<String> columnOf(Annotation role) {
        return switch (role.simpleName) {
            case "Feature" -> FEATURE_COLUMN;
            case "Text" -> TEXT_COLUMN;
            case "Label" -> LABEL_COLUMN;
            default -> throw new IllegalArgumentException(role.display() + " has no column");
        };
    }

    private final ReadContext c;
    private final Reporter reporter;

    SchemaReader(ReadContext c) {
        this.c = c;
        this.reporter = c.reporter;
    }

    record Preprocessing(Annotation annotation, Scaling scaling, Missing numeric, Missing categorical,
            Missing bool) {}

    private static final Set<Missing> NUMERIC_MISSING =
            EnumSet.of(Missing.ERROR, Missing.MEAN, Missing.MEDIAN, Missing.MOST_FREQUENT, Missing.CONSTANT);
    private static final Set<Missing> BOOLEAN_MISSING =
            EnumSet.of(Missing.ERROR, Missing.MOST_FREQUENT, Missing.CONSTANT);
    private static final Set<Missing> CATEGORICAL_MISSING =
            EnumSet.of(Missing.ERROR, Missing.MOST_FREQUENT, Missing.CONSTANT, Missing.MISSING_CATEGORY);
    private static final Set<Missing> ORDINAL_MISSING =
            EnumSet.of(Missing.ERROR, Missing.MOST_FREQUENT, Missing.CONSTANT);

    Preprocessing readPreprocessing() {
        Annotation p = c.annotation(io.kiln.dsl.Preprocessing.class);
        if (p == null) {
            return new Preprocessing(null, Scaling.STANDARDIZE, Missing.MEAN, Missing.MISSING_CATEGORY,
                    Missing.MOST_FREQUENT);
        }
        Scaling scaling = p.get(PREPROCESSING_SCALING);
        if (scaling == Scaling.DEFAULT) {
            scaling = Scaling.STANDARDIZE;
        }
        Missing numeric = defaultMissing(p, PREPROCESSING_NUMERIC_MISSING, NUMERIC_MISSING, "numeric", Missing.MEAN);
        Missing categorical = defaultMissing(p, PREPROCESSING_CATEGORICAL_MISSING, CATEGORICAL_MISSING, "categorical",
                Missing.MISSING_CATEGORY);
        Missing bool = defaultMissing(p, PREPROCESSING_BOOLEAN_MISSING, BOOLEAN_MISSING, "boolean", Missing.MOST_FREQUENT);
        return new Preprocessing(p, scaling, numeric, categorical, bool);
    }

    private Missing defaultMissing(Annotation p, Attr<Missing> attribute, Set<Missing> allowed, String kind,
            Missing fallback) {
        Missing m = p.get(attribute);
        if (m == Missing.DEFAULT) {
            return fallback;
        }
        if (m == Missing.CONSTANT || !allowed.contains(m)) {
            Set<Missing> defaults = EnumSet.copyOf(allowed);
            defaults.remove(Missing.CONSTANT);
            reporter.error(p, attribute,
                    Message.MISSING_DEFAULT.format(attribute.name, m, kind, names(defaults)));
            return fallback;
        }
        return m;
    }

    /** {@code @Text}: a String field, positive sizes. */
    FeatureModel readText(VariableElement field, Annotation t) {
        String name = field.getSimpleName().toString();
        if (!isString(field.asType())) {
            reporter.error(t, Message.TEXT_FIELD_TYPE.format(name, field.asType()));
            return null;
        }
        for (Attr<Integer> attribute : List.of(TEXT_MAX_TOKENS, TEXT_VOCABULARY)) {
            if (t.get(attribute) <= 0) {
                reporter.error(t, attribute, Message.POSITIVE.format(attribute.name,
                        Integer.toString(t.get(attribute)), ReadContext.example(t, attribute, x -> x > 0, "100")));
            }
        }
        String column = t.get(TEXT_COLUMN).isEmpty() ? name : t.get(TEXT_COLUMN);
        return new FeatureModel(name, column, FeatureKind.TEXT, field.asType(), List.of(), Encoding.ONE_HOT,
                Scaling.NONE, Missing.CONSTANT, "", new SpecModel.TextModel(Math.max(1, t.get(TEXT_MAX_TOKENS)),
                        Math.max(1, t.get(TEXT_VOCABULARY)), t.get(TEXT_LOWERCASE),
                        t.get(TEXT_ENCODING)), null);
    }

    FeatureModel readFeature(VariableElement field, Annotation f, Preprocessing defaults) {
        String name = field.getSimpleName().toString();
        String column = f.get(FEATURE_COLUMN).isEmpty() ? name : f.get(FEATURE_COLUMN);
        return readSettings(field, f, FEATURE_SETTINGS, field.asType(), column, defaults, null);
    }

    /**
     * {@code @Features}: an array field whose element type gives the kind of every column, the
     * settings as {@code @Feature}'s, and a selection that can find columns (a valid pattern, a
     * positive step, a count that is not negative).
     */
    FeatureModel readFeatures(VariableElement field, Annotation f, Preprocessing defaults) {
        String name = field.getSimpleName().toString();
        TypeMirror type = field.asType();
        if (type.getKind() != TypeKind.ARRAY || !isFeatureType(((ArrayType) type).getComponentType())) {
            reporter.error(f, Message.FEATURES_FIELD_TYPE.format(name, type));
            return null;
        }
        String matching = f.get(FEATURES_MATCHING);
        if (!matching.isEmpty()) {
            try {
                java.util.regex.Pattern.compile(matching);
            } catch (java.util.regex.PatternSyntaxException e) {
                reporter.error(f, FEATURES_MATCHING, Message.FEATURES_PATTERN.format(matching, name,
                        e.getDescription()));
            }
        }
        if (f.get(FEATURES_EVERY) < 1) {
            reporter.error(f, FEATURES_EVERY, Message.POSITIVE.format(FEATURES_EVERY.name,
                    Integer.toString(f.get(FEATURES_EVERY)), "every = 2"));
        }
        if (f.get(FEATURES_COUNT) < 0) {
            reporter.error(f, FEATURES_COUNT, Message.FEATURES_COUNT.format(f.get(FEATURES_COUNT), name));
        }
        if (!f.get(FEATURES_FROM).isEmpty() && f.get(FEATURES_FROM).equals(f.get(FEATURES_TO)) && matching.isEmpty()
                && f.get(FEATURES_EVERY) == 1) {
            reporter.error(f, FEATURES_TO, Message.FEATURES_ONE_COLUMN.format(name, f.get(FEATURES_FROM)));
        }
        SpecModel.ColumnsModel columns = new SpecModel.ColumnsModel(matching, f.get(FEATURES_FROM),
                f.get(FEATURES_TO), Math.max(1, f.get(FEATURES_EVERY)), Math.max(0, f.get(FEATURES_COUNT)));
        return readSettings(field, f, FEATURES_SETTINGS, ((ArrayType) type).getComponentType(), "", defaults,
                columns);
    }

    /**
     * A file without a header takes its columns by position: a group cannot find columns by name,
     * and only one group can take the columns left over.
     */
    void checkHeaderless(List<FeatureModel> features) {
        FeatureModel open = null;
        for (FeatureModel f : features) {
            if (!f.isGroup()) {
                continue;
            }
            Annotation a = c.roles(c.field(f.name())).get(0);
            SpecModel.ColumnsModel s = f.columns();
            if (!s.takesTheRest()) {
                Attr<String> by = !s.matching().isEmpty() ? FEATURES_MATCHING : !s.from().isEmpty() ? FEATURES_FROM
                        : FEATURES_TO;
                reporter.error(a, by, Message.FEATURES_NEEDS_HEADER.format(f.name(), by.name + " = \"" + a.get(by)
                        + "\""));
            } else if (s.count() == 0 && open != null) {
                reporter.error(a, Message.FEATURES_HEADERLESS_COUNT.format(open.name(), f.name()));
            } else if (s.count() == 0) {
                open = f;
            }
        }
    }

    /** With a header, one group at most takes every column nothing else reads. */
    void checkRest(List<FeatureModel> features) {
        String rest = null;
        for (FeatureModel f : features) {
            if (f.isGroup() && f.columns().takesTheRest()) {
                if (rest != null) {
                    reporter.error(c.roles(c.field(f.name())).get(0), Message.FEATURES_REST_TWICE.format(rest, f.name()));
                }
                rest = f.name();
            }
        }
    }

    /** The attributes {@code @Feature} and {@code @Features} share. */
    record SettingAttrs(Attr<String[]> levels, Attr<Scaling> scaling, Attr<Missing> missing, Attr<String> constant,
            Attr<Encoding> encoding) {}

    static final SettingAttrs FEATURE_SETTINGS = new SettingAttrs(FEATURE_LEVELS, FEATURE_SCALING, FEATURE_MISSING,
            FEATURE_CONSTANT, FEATURE_ENCODING);
    static final SettingAttrs FEATURES_SETTINGS = new SettingAttrs(
            Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::levels),
            Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::scaling),
            Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::missing),
            Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::constant),
            Attr.of(io.kiln.dsl.Features.class, io.kiln.dsl.Features::encoding));

    private static boolean isFeatureType(TypeMirror t) {
        return isNumeric(t) || isBoolean(t) || isString(t) || isEnum(t);
    }

    /**
     * The kind and settings of a feature (or of every column of a group) whose values have Java
     * type {@code type}, with the rules on levels, encoding, scaling, missing values and constants.
     */
    private FeatureModel readSettings(VariableElement field, Annotation f, SettingAttrs a, TypeMirror type,
            String column, Preprocessing defaults, SpecModel.ColumnsModel columns) {
        String name = field.getSimpleName().toString();
        FeatureKind kind;
        List<String> levels = new ArrayList<>(f.list(a.levels()));
        if (isNumeric(type)) {
            kind = FeatureKind.NUMERIC;
        } else if (isBoolean(type)) {
            kind = FeatureKind.BOOLEAN;
        } else if (isString(type)) {
            kind = FeatureKind.CATEGORICAL;
        } else if (isEnum(type)) {
            kind = FeatureKind.CATEGORICAL;
            if (f.isSet(a.levels())) {
                reporter.error(f, a.levels(),
                        Message.LEVELS_NOT_CATEGORICAL.format(name, "an enum, whose constants are its levels"));
            }
            levels = enumConstants(type);
        } else {
            reporter.error(f, Message.FEATURE_TYPE.format(name, type));
            return null;
        }
        String kindName = kind.name().toLowerCase(Locale.ROOT);
        if (kind != FeatureKind.CATEGORICAL && f.isSet(a.levels())) {
            reporter.error(f, a.levels(), Message.LEVELS_NOT_CATEGORICAL.format(name, kindName));
        }
        Set<String> seen = new LinkedHashSet<>();
        if (f.isSet(a.levels()) && levels.stream().anyMatch(String::isBlank)) {
            reporter.error(f, a.levels(), Message.EMPTY_NAME.format("levels", name, "level"));
        }
        if (kind == FeatureKind.CATEGORICAL) {
            checkMissingTokens(field, f, f.isSet(a.levels()) ? a.levels() : null, levels, name, "level");
        }
        for (String level : levels) {
            if (!seen.add(level)) {
                reporter.error(f, a.levels(), Message.DUPLICATE_LEVEL.format(level, name));
            }
        }
        Encoding encoding = f.get(a.encoding());
        if (kind != FeatureKind.CATEGORICAL && f.isSet(a.encoding())) {
            reporter.error(f, a.encoding(), Message.ENCODING_NOT_CATEGORICAL.format(name, kindName));
        }
        boolean ordinal = kind == FeatureKind.CATEGORICAL && encoding == Encoding.ORDINAL;
        if (ordinal && levels.isEmpty()) {
            reporter.error(f, a.encoding(), Message.ORDINAL_NEEDS_LEVELS.format(name));
        }
        Scaling scaling = f.get(a.scaling());
        if (f.isSet(a.scaling()) && kind != FeatureKind.NUMERIC && !ordinal) {
            reporter.error(f, a.scaling(), Message.SCALING_NOT_NUMERIC.format(name,
                    kind == FeatureKind.CATEGORICAL ? "one-hot encoded" : kindName));
        }
        if (scaling == Scaling.DEFAULT) {
            scaling = (kind == FeatureKind.NUMERIC || ordinal) ? defaults.scaling() : Scaling.NONE;
        }

        Missing missing = f.get(a.missing());
        Set<Missing> allowed = switch (kind) {
            case NUMERIC -> NUMERIC_MISSING;
            case BOOLEAN -> BOOLEAN_MISSING;
            case CATEGORICAL, TEXT -> ordinal ? ORDINAL_MISSING : CATEGORICAL_MISSING; // @Feature is never TEXT
        };
        if (missing == Missing.DEFAULT) {
            missing = switch (kind) {
                case NUMERIC -> defaults.numeric();
                case BOOLEAN -> defaults.bool();
                case CATEGORICAL, TEXT -> defaults.categorical();
            };
            if (!allowed.contains(missing)) {
                missing = Missing.MOST_FREQUENT; // e.g. an ordinal feature under a MISSING_CATEGORY default
            }
        } else if (!allowed.contains(missing)) {
            reporter.error(f, a.missing(), Message.MISSING_STRATEGY.format(missing,
                    ordinal ? "ordinal" : kindName, name, names(allowed)));
        }
        String constant = f.get(a.constant());
        if (missing == Missing.CONSTANT) {
            if (constant.isEmpty()) {
                reporter.error(f, a.missing(), Message.CONSTANT_REQUIRED.format(name));
            } else {
                checkConstant(field, f, a.constant(), kind, constant, levels);
            }
        } else if (!constant.isEmpty()) {
            reporter.error(f, a.constant(), Message.CONSTANT_UNUSED.format(name, constant, missing));
        }
        return new FeatureModel(name, column, kind, columns == null ? type : field.asType(), List.copyOf(levels),
                encoding, scaling, missing, constant, null, columns);
    }

    private void checkConstant(VariableElement field, Annotation f, Attr<String> constantAttr, FeatureKind kind,
            String constant, List<String> levels) {
        String name = field.getSimpleName().toString();
        switch (kind) {
            case NUMERIC -> {
                try {
                    double v = Double.parseDouble(constant.trim());
                    if (!Double.isFinite(v)) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    reporter.error(f, constantAttr, Message.CONSTANT_INVALID.format(constant, name,
                            "a finite number", "Write e.g. constant = \"0\"."));
                }
            }
            case BOOLEAN -> {
                if (!constant.matches("(?i)true|false|yes|no|1|0|1\\.0|0\\.0|t|f|y|n")) {
                    reporter.error(f, constantAttr, Message.CONSTANT_INVALID.format(constant, name,
                            "a boolean", "Write constant = \"true\" or \"false\"."));
                }
            }
            case CATEGORICAL -> {
                if (!levels.isEmpty() && !levels.contains(constant)) {
                    reporter.error(f, constantAttr, Message.CONSTANT_INVALID.format(constant, name,
                            "one of its levels " + levels, "Use a declared level."));
                }
            }
        }
    }

    LabelModel readLabel(VariableElement field, Annotation l, Task task) {
        String name = field.getSimpleName().toString();
        TypeMirror type = field.asType();
        List<String> classes = l.list(LABEL_CLASSES);
        List<String> columns = l.list(LABEL_COLUMNS);
        String column = l.get(LABEL_COLUMN);
        double threshold = l.get(LABEL_THRESHOLD);
        if (!(threshold > 0 && threshold < 1)) {
            reporter.error(l, LABEL_THRESHOLD, Message.FRACTION.format("threshold", "(0, 1)", ReadContext.number(threshold),
                    "threshold = 0.5"));
        } else if (l.isSet(LABEL_THRESHOLD) && task != Task.BINARY_CLASSIFICATION) {
            reporter.error(l, LABEL_THRESHOLD, Message.THRESHOLD_TASK.format(task, switch (task) {
                case MULTICLASS_CLASSIFICATION -> "decides for the most probable class";
                case MULTILABEL_CLASSIFICATION -> "decides each label at probability 0.5";
                default -> "predicts values, not classes";
            }));
        }
        LabelCoding coding;
        switch (task) {
            case BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION -> {
                if (isBoolean(type) && task == Task.BINARY_CLASSIFICATION) {
                    coding = LabelCoding.BOOLEAN;
                    if (!classes.isEmpty()) {
                        reporter.error(l, LABEL_CLASSES,
                                Message.CLASSES_NOT_ALLOWED.format("A boolean", name, "its values (false, true)"));
                    }
                    classes = List.of("false", "true");
                } else if (isEnum(type)) {
                    coding = LabelCoding.NAME;
                    if (!classes.isEmpty()) {
                        reporter.error(l, LABEL_CLASSES,
                                Message.CLASSES_NOT_ALLOWED.format("An enum", name, "its constants"));
                    }
                    classes = enumConstants(type);
                } else if (isIntegral(type) || isString(type)) {
                    coding = isString(type) ? LabelCoding.NAME : LabelCoding.INDEX;
                    if (classes.isEmpty()) {
                        reporter.error(l, Message.CLASSES_REQUIRED.format(task, name));
                        return null;
                    }
                } else {
                    reporter.error(l, Message.LABEL_TYPE.format(task, type,
                            task == Task.BINARY_CLASSIFICATION
                                    ? "Use boolean, or int or String with two classes, or an enum of two constants."
                                    : "Use int (class indices) or String (class names) with classes = {...}, or an enum."));
                    return null;
                }
                if (!columns.isEmpty()) {
                    reporter.error(l, LABEL_COLUMNS, Message.LABEL_COLUMNS.format(
                            "A single-column label takes 'column', not 'columns'; write column = \"...\"."));
                }
                columns = List.of(column.isEmpty() ? name : column);
                if (task == Task.BINARY_CLASSIFICATION && classes.size() != 2) {
                    reporter.error(l, isEnum(type) ? null : LABEL_CLASSES, Message.CLASSES_COUNT.format(task,
                            "exactly 2 classes", name, classes.size(),
                            classes.size() > 2 ? "Use MULTICLASS_CLASSIFICATION for more than two." : "Add the other class."));
                } else if (task == Task.MULTICLASS_CLASSIFICATION && classes.size() < 2) {
                    reporter.error(l, isEnum(type) ? null : LABEL_CLASSES, Message.CLASSES_COUNT.format(task,
                            "at least 2 classes", name, classes.size(), "Add the other classes."));
                } else if (task == Task.MULTICLASS_CLASSIFICATION && classes.size() == 2) {
                    reporter.warning(l, LABEL_CLASSES, Message.MULTICLASS_TWO_CLASSES.format());
                }
            }
            case MULTILABEL_CLASSIFICATION -> {
                if (!isArrayOf(type, TypeKind.BOOLEAN)) {
                    reporter.error(l, Message.LABEL_TYPE.format(task, type,
                            "Use boolean[] with classes = {...}, one 0/1 column per label."));
                    return null;
                }
                coding = LabelCoding.MULTI_HOT;
                if (classes.isEmpty()) {
                    reporter.error(l, Message.CLASSES_REQUIRED.format(task, name));
                    return null;
                }
                if (!column.isEmpty()) {
                    reporter.error(l, LABEL_COLUMN, Message.LABEL_COLUMNS.format(
                            "A multilabel label reads one column per class: use 'columns' (or omit it to use the class names)."));
                }
                if (columns.isEmpty()) {
                    columns = classes;
                } else if (columns.size() != classes.size()) {
                    reporter.error(l, LABEL_COLUMNS, Message.LABEL_COLUMNS.format(String.format(
                            "Label '%s' names %d columns for %d classes. Give one column per class, in the same order.",
                            name, columns.size(), classes.size())));
                }
            }
            default -> {
                boolean vector = task == Task.VECTOR_REGRESSION;
                boolean typeOk = vector ? isArrayOf(type, TypeKind.DOUBLE) : isFloating(type);
                if (!typeOk) {
                    reporter.error(l, Message.LABEL_TYPE.format(task, type, vector
                            ? "Use double[] with columns = {...}, one per target."
                            : "Use double (or float); for several targets use double[] with VECTOR_REGRESSION."));
                    return null;
                }
                coding = LabelCoding.VALUES;
                if (!classes.isEmpty()) {
                    reporter.error(l, LABEL_CLASSES,
                            Message.CLASSES_NOT_ALLOWED.format("A regression", name, "nowhere: it predicts values, not classes"));
                }
                if (vector) {
                    if (!column.isEmpty()) {
                        reporter.error(l, LABEL_COLUMN, Message.LABEL_COLUMNS.format(
                                "A vector target reads several columns: use columns = {...}."));
                    }
                    if (columns.size() < 2) {
                        reporter.error(l, columns.isEmpty() ? null : LABEL_COLUMNS,
                                Message.TARGETS_COUNT.format(String.format(
                                        "VECTOR_REGRESSION needs at least 2 target columns, label '%s' names %d. "
                                                + "List them in columns = {...}, or use SCALAR_REGRESSION for one.",
                                        name, columns.size())));
                    }
                } else {
                    if (!columns.isEmpty()) {
                        reporter.error(l, LABEL_COLUMNS, Message.LABEL_COLUMNS.format(
                                "A scalar target reads one column: use column = \"...\", or VECTOR_REGRESSION with double[]."));
                    }
                    columns = List.of(column.isEmpty() ? name : column);
                }
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        if (l.isSet(LABEL_CLASSES) && classes.stream().anyMatch(String::isBlank)) {
            reporter.error(l, LABEL_CLASSES, Message.EMPTY_NAME.format("classes", name, "class"));
        }
        if (coding == LabelCoding.NAME) { // the cells hold the class names
            checkMissingTokens(field, l, l.isSet(LABEL_CLASSES) ? LABEL_CLASSES : null, classes, name, "class");
        }
        for (String c : classes) {
            if (!seen.add(c)) {
                reporter.error(l, LABEL_CLASSES, Message.DUPLICATE_CLASS.format(c, name));
            }
        }
        return new LabelModel(name, type, coding, List.copyOf(columns), List.copyOf(classes), threshold);
    }

    /**
     * A level or class name that is one of {@code @CsvData}'s missing-value tokens could never be
     * read: every cell holding it is a missing value.
     */
    private void checkMissingTokens(VariableElement field, Annotation a, Attr<String[]> attribute, List<String> names,
            String name, String what) {
        Annotation csv = c.annotation(io.kiln.dsl.CsvData.class);
        if (csv == null) {
            return;
        }
        List<String> tokens = csv.list(CSVDATA_MISSING_VALUES);
        for (String n : names) {
            if (tokens.contains(n)) {
                reporter.error(a, attribute, Message.MISSING_TOKEN_NAME.format(
                        attribute == null ? "The enum" : attribute.name, name, n, tokens, what));
                return;
            }
        }
    }

    void claimColumn(Map<String, String> owners, String column, VariableElement field, Annotation a,
            Attr<?> attribute) {
        String previous = owners.putIfAbsent(column, field.getSimpleName().toString());
        if (previous != null) {
            reporter.error(a, a.isSet(attribute) ? attribute : null,
                    Message.DUPLICATE_COLUMN.format(column, previous));
        }
    }


    private static final Set<String> BOXED_INTEGRAL = Set.of("java.lang.Integer", "java.lang.Long");
    private static final Set<String> BOXED_FLOATING = Set.of("java.lang.Double", "java.lang.Float");

    private static String declaredName(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED
                ? ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString()
                : "";
    }

    static boolean isNumeric(TypeMirror type) {
        return isIntegral(type) || isFloating(type);
    }

    static boolean isIntegral(TypeMirror type) {
        TypeKind k = type.getKind();
        return k == TypeKind.INT || k == TypeKind.LONG || BOXED_INTEGRAL.contains(declaredName(type));
    }

    static boolean isFloating(TypeMirror type) {
        TypeKind k = type.getKind();
        return k == TypeKind.DOUBLE || k == TypeKind.FLOAT || BOXED_FLOATING.contains(declaredName(type));
    }

    static boolean isBoolean(TypeMirror type) {
        return type.getKind() == TypeKind.BOOLEAN || declaredName(type).equals("java.lang.Boolean");
    }

    static boolean isString(TypeMirror type) {
        return declaredName(type).equals("java.lang.String");
    }

    static boolean isEnum(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED && ((DeclaredType) type).asElement().getKind() == ElementKind.ENUM;
    }

    private static boolean isArrayOf(TypeMirror type, TypeKind component) {
        return type.getKind() == TypeKind.ARRAY && ((ArrayType) type).getComponentType().getKind() == component;
    }

    private static List<String> enumConstants(TypeMirror type) {
        return ((DeclaredType) type).asElement().getEnclosedElements().stream()
                .filter(e -> e.getKind() == ElementKind.ENUM_CONSTANT)
                .map(e -> e.getSimpleName().toString())
                .collect(Collectors.toList());
    }

    private static String names(Set<Missing> allowed) {
        return allowed.stream().map(Enum::name).collect(Collectors.joining(", "));
    }
}
