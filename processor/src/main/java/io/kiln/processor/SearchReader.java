package io.kiln.processor;

import io.kiln.dsl.SearchStrategy;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Reads {@code @Search} and its {@code @Tune}s into the configurations a search trains, each one
 * read by {@link SpecReader} with its values in force ({@link Overrides}), so it passes every rule
 * the declared spec passes. Every candidate is first checked alone (the others at their declared
 * values), its errors reported on the candidate as written; then every configuration the search can
 * train (its trials, and the one-value changes of each that the ablation may train), whose errors,
 * from values that do not fit together, are reported on {@code @Search}. Random draws happen here,
 * from the search's seed, so every trial is concrete and checked before it runs.
 */
final class SearchReader {
    static final Attr<SearchStrategy> STRATEGY = Attr.of(io.kiln.dsl.Search.class, io.kiln.dsl.Search::strategy);
    static final Attr<Integer> TRIALS = Attr.of(io.kiln.dsl.Search.class, io.kiln.dsl.Search::trials);
    static final Attr<Long> SEED = Attr.of(io.kiln.dsl.Search.class, io.kiln.dsl.Search::seed);
    static final Attr<Integer> MIN_EPOCHS = Attr.of(io.kiln.dsl.Search.class, io.kiln.dsl.Search::minEpochs);
    static final Attr<Integer> FACTOR = Attr.of(io.kiln.dsl.Search.class, io.kiln.dsl.Search::factor);
    static final Attr<Object> METRIC = Attr.of(io.kiln.dsl.Search.class, io.kiln.dsl.Search::metric);
    static final Attr<Integer> ABLATION_SEEDS = Attr.of(io.kiln.dsl.Search.class, io.kiln.dsl.Search::ablationSeeds);

    static final Attr<String> TUNE_VALUE = Attr.of(io.kiln.dsl.Tune.class, io.kiln.dsl.Tune::value);
    static final Attr<double[]> TUNE_VALUES = Attr.of(io.kiln.dsl.Tune.class, io.kiln.dsl.Tune::values);
    static final Attr<String[]> TUNE_CHOICES = Attr.of(io.kiln.dsl.Tune.class, io.kiln.dsl.Tune::choices);
    static final Attr<Double> TUNE_MIN = Attr.of(io.kiln.dsl.Tune.class, io.kiln.dsl.Tune::min);
    static final Attr<Double> TUNE_MAX = Attr.of(io.kiln.dsl.Tune.class, io.kiln.dsl.Tune::max);
    static final Attr<Boolean> TUNE_LOG = Attr.of(io.kiln.dsl.Tune.class, io.kiln.dsl.Tune::log);
    static final Attr<Integer> TUNE_STEPS = Attr.of(io.kiln.dsl.Tune.class, io.kiln.dsl.Tune::steps);
    static final Attr<Boolean> TUNE_OPTIONAL = Attr.of(io.kiln.dsl.Tune.class, io.kiln.dsl.Tune::optional);
    static final Attr<Object> TUNES_VALUE = Attr.of(io.kiln.dsl.Tunes.class, t -> t.value());

    /** The most trials one search trains (the declared configuration among them). */
    static final int MAX_TRIALS = 200;
    /** The most configurations generated for one search: its trials and their one-value changes. */
    static final int MAX_CONFIGURATIONS = 600;
    /** The most seeds of the ablation. */
    static final int MAX_ABLATION_SEEDS = 10;

    /** What kind of value a parameter varies. */
    enum Kind { NUMBER, INTEGER, BOOLEAN, ENUM, OPTIMIZER, PRESENCE }

    /** One varied value of the spec and its candidates. */
    static final class Parameter {
        final String name;
        final Annotation tune;
        final Element element;
        /** The simple name of the annotation whose attribute varies; null for an optimizer or a layer's presence. */
        final String annotation;
        final String attribute;
        final Kind kind;
        /** The enum type's simple name, for annotation text. */
        final String enumType;
        /** The candidates (Double, Boolean or String), or null for a continuous range. */
        List<Object> candidates;
        /** Where each candidate is written (null where it is not, as for a range's inner steps). */
        List<AnnotationValue> locations = new ArrayList<>();
        double min = Double.NaN;
        double max = Double.NaN;
        boolean log;
        Object declared;

        Parameter(String name, Annotation tune, Element element, String annotation, String attribute, Kind kind,
                String enumType) {
            this.name = name;
            this.tune = tune;
            this.element = element;
            this.annotation = annotation;
            this.attribute = attribute;
            this.kind = kind;
            this.enumType = enumType;
        }

        boolean continuous() {
            return candidates == null;
        }

        boolean numeric() {
            return kind == Kind.NUMBER || kind == Kind.INTEGER;
        }

        void apply(Overrides o, Object value) {
            switch (kind) {
                case PRESENCE -> {
                    if (!(Boolean) value) {
                        o.without(element);
                    }
                }
                case OPTIMIZER -> {
                    if (!value.equals(declared)) { // the declared optimizer keeps its written values
                        o.optimizer((String) value);
                    }
                }
                default -> o.set(element, annotation, attribute, value);
            }
        }

        String display(Object value) {
            if (value instanceof Double d) {
                return ReadContext.number(d);
            }
            if (kind == Kind.PRESENCE) {
                return (Boolean) value ? "present" : "absent";
            }
            return String.valueOf(value);
        }

        /** The value as written in Java source ({@code Activation.TANH}, {@code 0.003}). */
        String source(Object value) {
            if (kind == Kind.ENUM) {
                return enumType + "." + value;
            }
            return display(value);
        }
    }

    /** One configuration: its values in parameter order and the spec it reads as. */
    record Configuration(int id, List<Object> values, SpecModel spec, String changes) {}

    /** The configuration that changes one value of a trial, for the ablation. */
    record Ablation(int trial, int parameter, int configuration) {}

    /** Everything a search declares, its configurations checked. */
    record SearchModel(SearchStrategy strategy, int trials, long seed, int minEpochs, int factor, int ablationSeeds,
            String metric, List<Parameter> parameters, List<Configuration> configurations, List<Integer> trialIds,
            List<Ablation> ablations) {}

    private final ReadContext c;
    private final Reporter reporter;
    private final java.util.function.Function<Reporter, SpecReader> readers;

    /**
     * @param readers a reader of the spec reporting to the given reporter (one per configuration)
     */
    SearchReader(ReadContext c, java.util.function.Function<Reporter, SpecReader> readers) {
        this.c = c;
        this.reporter = c.reporter;
        this.readers = readers;
    }

    /** The search of a spec read without errors as {@code declared}; null when it has none, or errors. */
    SearchModel read(SpecModel declared) {
        Annotation search = c.annotation(io.kiln.dsl.Search.class);
        List<Annotation> tunes = tunes();
        if (search == null) {
            for (Annotation t : tunes) {
                reporter.error(t, TUNE_VALUE, Message.TUNE_WITHOUT_SEARCH.format(label(t)));
            }
            return null;
        }
        int before = reporter.errorCount();
        SearchStrategy strategy = search.get(STRATEGY);
        int trials = search.get(TRIALS);
        int minEpochs = search.get(MIN_EPOCHS);
        int factor = search.get(FACTOR);
        int ablationSeeds = search.get(ABLATION_SEEDS);
        if (strategy != SearchStrategy.GRID && (trials < 1 || trials > MAX_TRIALS)) {
            reporter.error(search, TRIALS, Message.SEARCH_SETTING.format("trials", trials, "is outside 1 to "
                    + MAX_TRIALS, "Set trials between 1 and " + MAX_TRIALS + "."));
        }
        if (strategy == SearchStrategy.HALVING) {
            if (minEpochs < 1 || minEpochs >= declared.fit().epochs()) {
                reporter.error(search, MIN_EPOCHS, Message.SEARCH_SETTING.format("minEpochs", minEpochs,
                        "must be at least 1 and below the declared " + declared.fit().epochs() + " epochs",
                        "Set minEpochs to a few epochs (the first rung), or raise @Fit(epochs)."));
            }
            if (factor < 2) {
                reporter.error(search, FACTOR, Message.SEARCH_SETTING.format("factor", factor,
                        "would keep every configuration at each rung", "Set factor = 3 (or at least 2)."));
            }
        }
        if (ablationSeeds < 0 || ablationSeeds > MAX_ABLATION_SEEDS) {
            reporter.error(search, ABLATION_SEEDS, Message.SEARCH_SETTING.format("ablationSeeds", ablationSeeds,
                    "is outside 0 to " + MAX_ABLATION_SEEDS, "Set ablationSeeds = 3, or 0 for no ablation."));
        }
        String metric = metric(search, declared.task());
        if (tunes.isEmpty()) {
            reporter.error(search, Message.SEARCH_EMPTY.format("no value of the spec has @Tune"));
            return null;
        }
        checkProtocol(search, declared);
        for (Class<? extends java.lang.annotation.Annotation> k : List.of(io.kiln.dsl.Ensemble.class,
                io.kiln.dsl.Distillation.class)) {
            if (c.has(k)) {
                reporter.error(search, Message.SEARCH_UNSUPPORTED.format(k.getSimpleName(), k.getSimpleName()));
            }
        }
        List<Parameter> parameters = new ArrayList<>();
        for (Annotation t : tunes) {
            Parameter p = parameter(t, strategy, declared);
            if (p == null) {
                continue;
            }
            if (parameters.stream().anyMatch(q -> q.element.equals(p.element) && q.kind == p.kind
                    && java.util.Objects.equals(q.annotation, p.annotation)
                    && java.util.Objects.equals(q.attribute, p.attribute))) {
                reporter.error(t, TUNE_VALUE, Message.TUNE_TWICE.format(p.name));
                continue;
            }
            parameters.add(p);
        }
        if (reporter.errorCount() > before) {
            return null;
        }
        // each candidate alone, the other values as declared: its errors are the candidate's
        for (Parameter p : parameters) {
            List<Object> alone = p.continuous() ? List.of(p.min, p.max) : p.candidates;
            for (int i = 0; i < alone.size(); i++) {
                Object v = p.kind == Kind.INTEGER ? (Object) (double) Math.round((Double) alone.get(i)) : alone.get(i);
                List<Reporter.Captured> errors = new ArrayList<>();
                Overrides o = new Overrides();
                p.apply(o, v);
                readWith(o, errors);
                AnnotationValue at = p.continuous()
                        ? Reporter.explicitValue(p.tune.mirror, i == 0 ? "min" : "max").orElse(null)
                        : p.locations.get(i);
                for (String message : distinct(errors)) {
                    reporter.error(p.tune.element, p.tune.mirror, at,
                            Message.TUNE_CANDIDATE.format(p.display(v), p.name, message));
                }
            }
        }
        if (reporter.errorCount() > before) {
            return null;
        }

        // the trials: the declared configuration first, then the strategy's
        List<Object> declaredValues = parameters.stream().map(p -> p.declared).toList();
        List<List<Object>> trialValues = new ArrayList<>();
        trialValues.add(declaredValues);
        if (strategy == SearchStrategy.GRID) {
            long size = 1;
            for (Parameter p : parameters) {
                size = size > Integer.MAX_VALUE ? size : size * p.candidates.size();
            }
            if (size <= MAX_TRIALS) {
                for (List<Object> values : grid(parameters)) {
                    if (!trialValues.contains(values)) {
                        trialValues.add(values);
                    }
                }
            }
            if (size > MAX_TRIALS || trialValues.size() > MAX_TRIALS) { // the declared one is a trial too
                reporter.error(search, STRATEGY, Message.SEARCH_TOO_LARGE.format(Math.max(size, trialValues.size()),
                        MAX_TRIALS));
                return null;
            }
        } else {
            Random random = new Random(search.get(SEED));
            long finite = 1; // configurations in the space, saturating: a continuous range has no end of them
            for (Parameter p : parameters) {
                finite = p.continuous() ? Integer.MAX_VALUE : Math.min(Integer.MAX_VALUE, finite * p.candidates.size());
            }
            int wanted = (int) Math.min(trials, finite + 1);
            for (int attempt = 0; trialValues.size() < wanted && attempt < trials * 100; attempt++) {
                List<Object> values = new ArrayList<>();
                for (Parameter p : parameters) {
                    values.add(draw(p, random));
                }
                if (!trialValues.contains(values)) {
                    trialValues.add(values);
                }
            }
        }

        // every configuration: trials, then each trial with one value changed (for the ablation)
        Map<List<Object>, Integer> idOf = new LinkedHashMap<>();
        Map<String, Integer> idOfText = new LinkedHashMap<>();
        List<Configuration> configurations = new ArrayList<>();
        List<Integer> trialIds = new ArrayList<>();
        List<Ablation> ablations = new ArrayList<>();
        int configurationErrors = 0;
        List<List<Object>> pending = new ArrayList<>(trialValues);
        if (ablationSeeds > 0) {
            for (List<Object> t : trialValues) {
                for (int i = 0; i < parameters.size(); i++) {
                    pending.add(changed(t, i, parameters.get(i)));
                }
            }
        }
        long distinct = pending.stream().distinct().count();
        if (distinct > MAX_CONFIGURATIONS) {
            reporter.error(search, ablationSeeds > 0 ? ABLATION_SEEDS : TRIALS, Message.SEARCH_CONFIGURATIONS.format(
                    distinct, trialValues.size(), MAX_CONFIGURATIONS));
            return null;
        }
        for (List<Object> values : pending) {
            if (idOf.containsKey(values)) {
                continue;
            }
            Overrides o = new Overrides();
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).apply(o, values.get(i));
            }
            List<Reporter.Captured> errors = new ArrayList<>();
            SpecModel spec = readWith(o, errors);
            if (spec == null || !errors.isEmpty()) {
                if (configurationErrors++ < 3) { // the first few: the rest would repeat them
                    reporter.error(search, Message.SEARCH_CONFIGURATION.format(describe(parameters, values),
                            String.join(" ", distinct(errors))));
                }
                idOf.put(values, -1);
                continue;
            }
            String text = SpecText.render(spec);
            Integer same = idOfText.get(text);
            if (same != null) { // another assignment of the same spec (a value its optimizer does not use)
                idOf.put(values, same);
                continue;
            }
            int id = configurations.size();
            configurations.add(new Configuration(id, values, spec, changes(parameters, declaredValues, values)));
            idOf.put(values, id);
            idOfText.put(text, id);
        }
        if (reporter.errorCount() > before) {
            return null;
        }
        for (List<Object> t : trialValues) {
            int id = idOf.get(t);
            if (!trialIds.contains(id)) {
                trialIds.add(id);
            }
        }
        if (ablationSeeds > 0) {
            for (int id : trialIds) {
                for (int i = 0; i < parameters.size(); i++) {
                    int variant = idOf.get(changed(configurations.get(id).values(), i, parameters.get(i)));
                    if (variant != id) {
                        ablations.add(new Ablation(id, i, variant));
                    }
                }
            }
        }
        return new SearchModel(strategy, trials, search.get(SEED), minEpochs, factor, ablationSeeds, metric,
                parameters, configurations, trialIds, ablations);
    }

    /** The metric key of {@code @Search(metric)}, or null for the task's primary metric (after any error). */
    private String metric(Annotation search, io.kiln.dsl.Task task) {
        Object raw = Reporter.explicitValue(search.mirror, "metric").map(AnnotationValue::getValue).orElse(null);
        List<io.kiln.dsl.Metric> metrics = new ArrayList<>();
        if (raw instanceof List<?> list) {
            for (Object o : list) {
                metrics.add(io.kiln.dsl.Metric.valueOf(((VariableElement) ((AnnotationValue) o).getValue())
                        .getSimpleName().toString()));
            }
        } else if (raw instanceof VariableElement e) {
            metrics.add(io.kiln.dsl.Metric.valueOf(e.getSimpleName().toString()));
        }
        if (metrics.isEmpty()) {
            return null;
        }
        String allowed = io.kiln.dsl.Metric.of(task).stream().map(io.kiln.dsl.Metric::name)
                .collect(java.util.stream.Collectors.joining(", "));
        if (metrics.size() > 1) {
            reporter.error(search, METRIC, Message.SEARCH_METRIC.format(metrics, "names " + metrics.size()
                    + " metrics", allowed));
            return null;
        }
        io.kiln.dsl.Metric m = metrics.get(0);
        if (m == io.kiln.dsl.Metric.LOSS || !m.appliesTo(task)) {
            reporter.error(search, METRIC, Message.SEARCH_METRIC.format(m.name(), m == io.kiln.dsl.Metric.LOSS
                    ? "is the training loss, not a metric of the validation rows" : "does not apply to " + task,
                    allowed));
            return null;
        }
        return m.key();
    }

    private SpecModel readWith(Overrides o, List<Reporter.Captured> errors) {
        Reporter capturing = Reporter.capturing(errors);
        return o.apply(() -> readers.apply(capturing).read(c.type));
    }

    private static List<String> distinct(List<Reporter.Captured> errors) {
        return errors.stream().map(Reporter.Captured::message).distinct().toList();
    }

    /** The spec's @Tune annotations: on the class, then on fields in source order (repeated ones unpacked). */
    private List<Annotation> tunes() {
        List<Annotation> result = new ArrayList<>();
        List<Element> elements = new ArrayList<>();
        elements.add(c.type);
        elements.addAll(ElementFilter.fieldsIn(c.type.getEnclosedElements()));
        for (Element e : elements) {
            for (AnnotationMirror m : e.getAnnotationMirrors()) {
                String name = ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().toString();
                if (name.equals(io.kiln.dsl.Tune.class.getName())) {
                    result.add(new Annotation(e, m, c.elements));
                } else if (name.equals(io.kiln.dsl.Tunes.class.getName())) {
                    result.addAll(new Annotation(e, m, c.elements).nested(TUNES_VALUE, c.elements));
                }
            }
        }
        return result;
    }

    private static String label(Annotation tune) {
        String v = tune.get(TUNE_VALUE);
        return v.isEmpty() && tune.get(TUNE_OPTIONAL) ? "optional" : v;
    }

    private void checkProtocol(Annotation search, SpecModel spec) {
        boolean testSet = spec.data() != null && spec.data().hasTestSet();
        ProtocolModel protocol = spec.protocol();
        if (protocol instanceof ProtocolModel.KFold k) {
            if (k.test() == 0 && !testSet) {
                reporter.error(search, Message.SEARCH_VALIDATION.format("@KFold sets no test split (test = 0), so the "
                        + "cross-validated estimate would be measured on the folds that chose the winner",
                        "Set @KFold(test = 0.2): trials are then cross-validated on the other rows."));
            }
        } else if (protocol instanceof ProtocolModel.Holdout h) {
            if (h.validation() == 0) {
                reporter.error(search, Message.SEARCH_VALIDATION.format("@Holdout sets no validation split "
                        + "(validation = 0)", "Set @Holdout(validation = 0.2), or cross-validate with @KFold(test = 0.2)."));
            } else if (h.test() == 0 && !testSet) {
                reporter.error(search, Message.SEARCH_VALIDATION.format("@Holdout sets no test split (test = 0), so the "
                        + "winner could not be tested on rows the search never read", "Set @Holdout(test = 0.2)."));
            }
        } else if (protocol instanceof ProtocolModel.Temporal t) {
            if (t.validation() == 0 || t.test() == 0) {
                reporter.error(search, Message.SEARCH_VALIDATION.format("@TemporalSplit sets no "
                        + (t.validation() == 0 ? "validation" : "test") + " split",
                        "Set @TemporalSplit(validation = 0.15, test = 0.15)."));
            }
        }
    }

    /** The parameter one @Tune declares, or null after reporting why it cannot be one. */
    private Parameter parameter(Annotation t, SearchStrategy strategy, SpecModel declared) {
        String value = t.get(TUNE_VALUE);
        boolean optional = t.get(TUNE_OPTIONAL);
        boolean hasValues = t.isSet(TUNE_VALUES);
        boolean hasChoices = t.isSet(TUNE_CHOICES);
        boolean hasRange = t.isSet(TUNE_MIN) || t.isSet(TUNE_MAX);
        List<String> given = new ArrayList<>();
        if (hasValues) {
            given.add("values");
        }
        if (hasChoices) {
            given.add("choices");
        }
        if (hasRange) {
            given.add(t.isSet(TUNE_MIN) ? "min" : "max");
        }
        if (optional) {
            given.add("optional");
        }
        String label = label(t);
        if (given.size() > 1) {
            reporter.error(t, Message.TUNE_TWO_KINDS.format(label, given.get(0), given.get(1)));
            return null;
        }
        if (!hasRange && (t.isSet(TUNE_LOG) || t.isSet(TUNE_STEPS))) {
            reporter.error(t, t.isSet(TUNE_STEPS) ? TUNE_STEPS : TUNE_LOG, Message.TUNE_STEPS_NO_RANGE.format(label,
                    t.isSet(TUNE_STEPS) ? "steps" : "log"));
            return null;
        }
        if (optional) {
            return presence(t, value);
        }
        if (given.isEmpty() || (hasValues && t.get(TUNE_VALUES).length == 0)
                || (hasChoices && t.get(TUNE_CHOICES).length == 0)) {
            reporter.error(t, given.isEmpty() ? null : hasValues ? TUNE_VALUES : TUNE_CHOICES,
                    Message.TUNE_NO_CANDIDATES.format(label));
            return null;
        }
        Parameter p = target(t, value);
        if (p == null) {
            return null;
        }
        if (p.kind == Kind.INTEGER && p.attribute.equals("epochs") && "Fit".equals(p.annotation)
                && strategy == SearchStrategy.HALVING) {
            reporter.error(t, TUNE_VALUE, Message.SEARCH_HALVING_EPOCHS.format(declared.fit().epochs(), value));
            return null;
        }
        if (hasRange) {
            if (!p.numeric()) {
                reporter.error(t, t.isSet(TUNE_MIN) ? TUNE_MIN : TUNE_MAX, Message.TUNE_CANDIDATE_TYPE.format(label,
                        p.name + " is " + kindWords(p) + ", not a number", "Give its candidates with choices = {...}."));
                return null;
            }
            if (!t.isSet(TUNE_MIN) || !t.isSet(TUNE_MAX)) {
                reporter.error(t, t.isSet(TUNE_MIN) ? TUNE_MIN : TUNE_MAX, Message.TUNE_RANGE_HALF.format(label,
                        t.isSet(TUNE_MIN) ? "min" : "max", t.isSet(TUNE_MIN) ? "max" : "min"));
                return null;
            }
            double min = t.get(TUNE_MIN);
            double max = t.get(TUNE_MAX);
            boolean log = t.get(TUNE_LOG);
            int steps = t.get(TUNE_STEPS);
            if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
                reporter.error(t, TUNE_MAX, Message.TUNE_RANGE_ORDER.format(label, ReadContext.number(min),
                        ReadContext.number(max)));
                return null;
            }
            if (log && min <= 0) {
                reporter.error(t, TUNE_MIN, Message.TUNE_LOG_BOUND.format(label, ReadContext.number(min)));
                return null;
            }
            if (steps == 1 || steps < 0) {
                reporter.error(t, TUNE_STEPS, Message.TUNE_STEPS.format(steps, label));
                return null;
            }
            if (steps == 0 && strategy == SearchStrategy.GRID) {
                reporter.error(t, TUNE_MIN, Message.TUNE_GRID_CONTINUOUS.format(label, ReadContext.number(min),
                        ReadContext.number(max)));
                return null;
            }
            if (p.kind == Kind.INTEGER && (min != Math.rint(min) || max != Math.rint(max))) {
                reporter.error(t, min != Math.rint(min) ? TUNE_MIN : TUNE_MAX, Message.TUNE_CANDIDATE_TYPE.format(label,
                        p.name + " is a whole number, but the range is " + ReadContext.number(min) + " to "
                                + ReadContext.number(max), "Give whole-number bounds."));
                return null;
            }
            p.min = min;
            p.max = max;
            p.log = log;
            if (steps > 0) {
                p.candidates = new ArrayList<>();
                for (int i = 0; i < steps; i++) {
                    double f = (double) i / (steps - 1);
                    double v = i == 0 ? min : i == steps - 1 ? max
                            : log ? Math.exp(Math.log(min) + f * (Math.log(max) - Math.log(min))) : min + f * (max - min);
                    v = p.kind == Kind.INTEGER ? Math.rint(v) : round(v);
                    if (!p.candidates.contains(v)) {
                        p.candidates.add(v);
                        p.locations.add(i == 0 ? Reporter.explicitValue(t.mirror, "min").orElse(null)
                                : i == steps - 1 ? Reporter.explicitValue(t.mirror, "max").orElse(null) : null);
                    }
                }
            }
            return p;
        }
        List<AnnotationValue> written = writtenList(t, hasValues ? "values" : "choices");
        p.candidates = new ArrayList<>();
        if (hasValues) {
            double[] vs = t.get(TUNE_VALUES);
            if (!p.numeric()) {
                reporter.error(t.element, t.mirror, written.get(0), Message.TUNE_CANDIDATE_TYPE.format(label,
                        p.name + " is " + kindWords(p) + ", not a number", "Give its candidates with choices = {...}."));
                return null;
            }
            for (int i = 0; i < vs.length; i++) {
                if (p.kind == Kind.INTEGER && vs[i] != Math.rint(vs[i])) {
                    reporter.error(t.element, t.mirror, written.get(i), Message.TUNE_CANDIDATE_TYPE.format(label,
                            p.name + " is a whole number, so candidate " + ReadContext.number(vs[i]) + " cannot be one",
                            "Give whole numbers."));
                    return null;
                }
                if (!p.candidates.contains(vs[i])) {
                    p.candidates.add(vs[i]);
                    p.locations.add(written.get(i));
                }
            }
            return p;
        }
        String[] choices = t.get(TUNE_CHOICES);
        for (int i = 0; i < choices.length; i++) {
            Object v = choice(p, choices[i]);
            if (v == null) {
                reporter.error(t.element, t.mirror, written.get(i), Message.TUNE_CANDIDATE_TYPE.format(label,
                        "\"" + choices[i] + "\" is not one of " + p.name + "'s values", "Use one of: "
                                + String.join(", ", allowed(p)) + "."));
                return null;
            }
            if (!p.candidates.contains(v)) {
                p.candidates.add(v);
                p.locations.add(written.get(i));
            }
        }
        return p;
    }

    private Parameter presence(Annotation t, String value) {
        Element e = t.element;
        String what;
        if (e.getKind() != ElementKind.FIELD || !value.isEmpty()) {
            what = e.getKind() != ElementKind.FIELD ? "it is on the class" : "it also names \"" + value + "\"";
        } else {
            List<Annotation> roles = c.roles((VariableElement) e);
            if (roles.isEmpty() || !LayerKinds.isLayer(((TypeElement) roles.get(0).mirror.getAnnotationType().asElement())
                    .getQualifiedName().toString())) {
                what = "'" + e.getSimpleName() + "' is not a layer";
            } else if (roles.get(0).simpleName.equals("Output")) {
                what = "'" + e.getSimpleName() + "' is the output layer, which every model needs";
            } else {
                Parameter p = new Parameter(e.getSimpleName() + " (present)", t, e, null, null, Kind.PRESENCE, null);
                p.candidates = new ArrayList<>(List.of(true, false));
                AnnotationValue at = Reporter.explicitValue(t.mirror, "optional").orElse(null);
                p.locations = new ArrayList<>(java.util.Arrays.asList(at, at));
                p.declared = true;
                return p;
            }
        }
        reporter.error(t, TUNE_OPTIONAL, Message.TUNE_OPTIONAL.format(e.getSimpleName(), what));
        return null;
    }

    /** The attribute a @Tune names, with its declared value; null after an error. */
    private Parameter target(Annotation t, String value) {
        Element e = t.element;
        String label = label(t);
        boolean onClass = e.getKind() != ElementKind.FIELD;
        if (onClass && value.equals("optimizer")) {
            List<Annotation> declared = c.classAnnotations(OptimizerModel.KINDS.stream()
                    .<Class<? extends java.lang.annotation.Annotation>>map(OptimizerModel.Kind::annotation).toList());
            Parameter p = new Parameter("optimizer", t, e, null, null, Kind.OPTIMIZER, null);
            p.declared = declared.isEmpty() ? "Adam" : declared.get(0).simpleName;
            return p;
        }
        String annotationName = value.contains(".") ? value.substring(0, value.indexOf('.')) : null;
        String attribute = value.contains(".") ? value.substring(value.indexOf('.') + 1) : value;
        List<AnnotationMirror> candidates = new ArrayList<>();
        for (AnnotationMirror m : e.getAnnotationMirrors()) {
            TypeElement type = (TypeElement) m.getAnnotationType().asElement();
            String q = type.getQualifiedName().toString();
            if (!q.startsWith(ReadContext.DSL) || q.endsWith(".Tune") || q.endsWith(".Tunes") || q.endsWith(".Search")
                    || q.endsWith(".Model")) {
                continue;
            }
            if (annotationName != null && !type.getSimpleName().contentEquals(annotationName)) {
                continue;
            }
            if (attributeOf(type, attribute) != null) {
                candidates.add(m);
            }
        }
        String where = onClass ? "class" : "field";
        if (candidates.size() != 1 || attribute.isEmpty()) {
            String why;
            if (attribute.isEmpty()) {
                why = "no value is named";
            } else if (candidates.size() > 1) {
                why = "several annotations here have '" + attribute + "'";
            } else if (annotationName != null && Reporter.find(e, ReadContext.DSL + annotationName) == null) {
                why = "@" + annotationName + " is not written on this " + where;
            } else {
                why = (annotationName == null ? "no annotation here has '" : "@" + annotationName + " has no '")
                        + attribute + "'";
            }
            reporter.error(t, TUNE_VALUE, Message.TUNE_UNKNOWN.format(label, why, where, onClass
                    ? "\"Adam.learningRate\" or \"Fit.batchSize\"" : "\"units\" or \"Dense.units\""));
            return null;
        }
        AnnotationMirror m = candidates.get(0);
        TypeElement type = (TypeElement) m.getAnnotationType().asElement();
        String fixed = fixed(type.getSimpleName().toString(), attribute);
        if (fixed != null) {
            reporter.error(t, TUNE_VALUE, Message.TUNE_FIXED.format(label, "@" + type.getSimpleName() + "." + attribute
                    + " (" + fixed + ")"));
            return null;
        }
        ExecutableElement method = attributeOf(type, attribute);
        TypeMirror r = method.getReturnType();
        Kind kind;
        String enumType = null;
        if (r.getKind() == TypeKind.DOUBLE || r.getKind() == TypeKind.FLOAT) {
            kind = Kind.NUMBER;
        } else if (r.getKind() == TypeKind.INT || r.getKind() == TypeKind.LONG) {
            kind = Kind.INTEGER;
        } else if (r.getKind() == TypeKind.BOOLEAN) {
            kind = Kind.BOOLEAN;
        } else if (r.getKind() == TypeKind.DECLARED
                && ((javax.lang.model.type.DeclaredType) r).asElement().getKind() == ElementKind.ENUM) {
            kind = Kind.ENUM;
            enumType = ((javax.lang.model.type.DeclaredType) r).asElement().getSimpleName().toString();
        } else {
            reporter.error(t, TUNE_VALUE, Message.TUNE_CANDIDATE_TYPE.format(label, "@" + type.getSimpleName() + "."
                    + attribute + " is " + r + ", and only numbers, booleans and enum constants are searched",
                    "Tune a numeric, boolean or enum value."));
            return null;
        }
        String name = (onClass ? "" : e.getSimpleName() + ".") + (onClass ? type.getSimpleName() + "." : "") + attribute;
        Parameter p = new Parameter(name, t, e, type.getSimpleName().toString(), attribute, kind, enumType);
        Object raw = c.elements.getElementValuesWithDefaults(m).get(method).getValue();
        p.declared = switch (kind) {
            case NUMBER, INTEGER -> ((Number) raw).doubleValue();
            case BOOLEAN -> raw;
            case ENUM -> ((VariableElement) raw).getSimpleName().toString();
            default -> throw new IllegalStateException();
        };
        return p;
    }

    /**
     * What a value that every trial must share decides ("the split", "the schema", ...), or null for a value
     * a trial may vary: trials are scored on one split of the declared data, read once by the declared schema,
     * and what happens after training (reports, thresholds, retraining) is not part of a trial.
     */
    static String fixed(String annotation, String attribute) {
        return switch (annotation) {
            case "Holdout", "KFold", "TemporalSplit" -> "the split";
            case "Fit" -> attribute.equals("seed") ? "the split's seed" : null;
            case "CsvData", "IdxData", "Image", "Series" -> "the data";
            case "Feature", "Features", "Text", "Label", "Preprocessing", "Model" -> "the schema";
            case "Report", "TuneThreshold", "Retrain", "Ensemble", "Distillation" -> "what happens around training";
            default -> null;
        };
    }

    private static ExecutableElement attributeOf(TypeElement type, String attribute) {
        for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (m.getSimpleName().contentEquals(attribute)) {
                return m;
            }
        }
        return null;
    }

    private static String kindWords(Parameter p) {
        return switch (p.kind) {
            case BOOLEAN -> "true or false";
            case ENUM -> "a constant of " + p.enumType;
            case OPTIMIZER -> "an optimizer";
            default -> "a number";
        };
    }

    /** A choice as a candidate value, or null when it is not one of the parameter's values. */
    private Object choice(Parameter p, String text) {
        switch (p.kind) {
            case BOOLEAN:
                return text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
            case OPTIMIZER:
                return OptimizerModel.named(text) == null ? null : text;
            case ENUM:
                return allowed(p).contains(text) ? text : null;
            default:
                return null;
        }
    }

    private List<String> allowed(Parameter p) {
        return switch (p.kind) {
            case BOOLEAN -> List.of("true", "false");
            case OPTIMIZER -> OptimizerModel.KINDS.stream().map(k -> k.annotation().getSimpleName()).toList();
            case ENUM -> {
                TypeElement type = c.elements.getTypeElement(ReadContext.DSL + p.enumType);
                yield type == null ? List.of() : type.getEnclosedElements().stream()
                        .filter(x -> x.getKind() == ElementKind.ENUM_CONSTANT)
                        .map(x -> x.getSimpleName().toString()).toList();
            }
            default -> List.of("numbers");
        };
    }

    /** The elements of an array attribute as written (one per candidate). */
    private static List<AnnotationValue> writtenList(Annotation t, String attribute) {
        Object v = Reporter.explicitValue(t.mirror, attribute).map(AnnotationValue::getValue).orElse(null);
        List<AnnotationValue> result = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) {
                result.add((AnnotationValue) o);
            }
        } else { // a single value written without braces
            result.add(Reporter.explicitValue(t.mirror, attribute).orElse(null));
        }
        return result;
    }

    /** A value drawn for a random configuration. */
    private static Object draw(Parameter p, Random random) {
        if (!p.continuous()) {
            return p.candidates.get(random.nextInt(p.candidates.size()));
        }
        double u = random.nextDouble();
        double v = p.log ? Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min)))
                : p.min + u * (p.max - p.min);
        v = p.kind == Kind.INTEGER ? Math.rint(v) : round(v);
        return Math.max(p.min, Math.min(p.max, v));
    }

    /** Three significant digits: a drawn value reads as a value a person would write. */
    static double round(double v) {
        return v == 0 ? 0 : new BigDecimal(v).round(new MathContext(3)).doubleValue();
    }

    /** Every combination of the parameters' candidates, the first parameter varying slowest. */
    private static List<List<Object>> grid(List<Parameter> parameters) {
        List<List<Object>> result = new ArrayList<>();
        result.add(List.of());
        for (Parameter p : parameters) {
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> prefix : result) {
                for (Object v : p.candidates) {
                    List<Object> values = new ArrayList<>(prefix);
                    values.add(v);
                    next.add(values);
                }
            }
            result = next;
        }
        return result;
    }

    /**
     * {@code values} with parameter {@code i} changed, for the ablation: back to its declared value when
     * it differs from it; else to the next candidate (a continuous range: its middle, or its top).
     */
    static List<Object> changed(List<Object> values, int i, Parameter p) {
        Object now = values.get(i);
        Object other;
        if (!now.equals(p.declared)) {
            other = p.declared;
        } else if (!p.continuous()) {
            // the next candidate (a single candidate changes nothing: no ablation of it)
            other = p.candidates.get((p.candidates.indexOf(now) + 1) % p.candidates.size());
        } else {
            double mid = p.log ? Math.sqrt(p.min * p.max) : (p.min + p.max) / 2;
            mid = p.kind == Kind.INTEGER ? Math.rint(mid) : round(mid);
            other = mid == (Double) now ? (Object) p.max : (Object) mid;
        }
        List<Object> result = new ArrayList<>(values);
        result.set(i, other);
        return result;
    }

    /** "hidden.units = 32, Adam.learningRate = 0.003". */
    static String describe(List<Parameter> parameters, List<Object> values) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            parts.add(parameters.get(i).name + " = " + parameters.get(i).display(values.get(i)));
        }
        return "{" + String.join(", ", parts) + "}";
    }

    /**
     * What to write in the spec for this configuration, one line per element whose values differ from
     * the declared ones: {@code hidden: @Dense(units = 32, activation = Activation.TANH)}.
     */
    static String changes(List<Parameter> parameters, List<Object> declared, List<Object> values) {
        Map<String, List<String>> byTarget = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Object v = values.get(i);
            if (v.equals(declared.get(i))) {
                continue;
            }
            String where = p.element.getKind() == ElementKind.FIELD ? p.element.getSimpleName().toString() : "class";
            switch (p.kind) {
                case PRESENCE -> byTarget.computeIfAbsent(where + ": (remove the layer)", k -> new ArrayList<>());
                case OPTIMIZER -> byTarget.computeIfAbsent(where + ": @" + v + " (instead of @" + p.declared + ")",
                        k -> new ArrayList<>());
                default -> byTarget.computeIfAbsent(where + ": @" + p.annotation, k -> new ArrayList<>())
                        .add(p.attribute + " = " + p.source(v));
            }
        }
        StringBuilder text = new StringBuilder();
        byTarget.forEach((target, attributes) -> {
            text.append(target);
            if (!attributes.isEmpty()) {
                text.append('(').append(String.join(", ", attributes)).append(')');
            }
            text.append('\n');
        });
        return text.toString();
    }
}
