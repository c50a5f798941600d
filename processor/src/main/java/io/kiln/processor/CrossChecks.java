package io.kiln.processor;

import io.kiln.dsl.Task;
import io.kiln.processor.SpecModel.DataModel;
import io.kiln.processor.SpecModel.FeatureKind;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.IdxModel;
import io.kiln.processor.SpecModel.LabelCoding;
import io.kiln.processor.SpecModel.LabelModel;
import io.kiln.processor.SpecModel.SeriesModel;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.VariableElement;

/**
 * The rules that tie several annotations together, each read on its own first: an official test
 * set needs a plain holdout, a series needs a temporal split (and IDX images cannot have one), a
 * token text feature is the only feature, and feature and label names must not clash with the
 * generated predictor's records.
 */
final class CrossChecks {
    private final ReadContext c;
    private final Reporter reporter;

    CrossChecks(ReadContext c) {
        this.c = c;
        this.reporter = c.reporter;
    }

    /** A token-encoded {@code @Text} feature must be the spec's only feature. */
    void tokensAlone(List<FeatureModel> features) {
        FeatureModel tokens = features.stream().filter(f -> f.kind() == FeatureKind.TEXT
                && f.text().encoding() == io.kiln.dsl.TextEncoding.TOKENS).findFirst().orElse(null);
        if (tokens == null) {
            return;
        }
        for (FeatureModel other : features) {
            if (other != tokens) {
                VariableElement at = c.field(tokens.name());
                reporter.error(c.annotation(at, io.kiln.dsl.Text.class), SchemaReader.TEXT_ENCODING,
                        Message.TEXT_TOKENS_ALONE.format(tokens.name(), other.name()));
                return;
            }
        }
    }

    /** Feature and label names against the components of the generated {@code Input} and {@code Prediction}. */
    void componentNames(Task task, List<FeatureModel> features, LabelModel label) {
        for (FeatureModel f : features) {
            componentName(f.name(), "Input", Set.of());
        }
        if (label != null) {
            // the second component of Prediction: a boolean label's probability, the classes' probabilities
            Set<String> taken = label.coding() == LabelCoding.BOOLEAN ? Set.of("probability")
                    : task.isClassification() ? Set.of("probabilities") : Set.of();
            componentName(label.name(), "Prediction", taken);
        }
    }

    /** Methods every record has: a record component may not take their names. */
    private static final Set<String> RECORD_METHODS =
            Set.of("clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait");

    /**
     * A feature or label field becomes a component of the generated predictor's {@code record}
     * ({@code Input} or {@code Prediction}): its name must not be a method every record has, nor
     * a component the predictor adds ({@code taken}).
     */
    private void componentName(String name, String record, Set<String> taken) {
        String clash = RECORD_METHODS.contains(name) ? "a method every Java record has"
                : taken.contains(name) ? "the component that holds the predicted " + name : null;
        if (clash == null) {
            return;
        }
        Annotation role = c.roles(c.field(name)).get(0);
        reporter.error(role, Message.RESERVED_NAME.format(name, record, clash, keepColumn(role, name)));
    }

    /** The fix's tail for a renamed field: how it keeps reading its column (a group finds its columns by its selection). */
    static String keepColumn(Annotation role, String name) {
        if (role.simpleName.equals("Features")) {
            return "";
        }
        Attr<String> column = SchemaReader.columnOf(role);
        return " and keep reading its column with column = \"" + (role.isSet(column) ? role.get(column) : name) + "\"";
    }

    /** The protocol against the data: official test sets, IDX images, series. */
    void protocol(ProtocolModel protocol, DataModel data, IdxModel idx, SeriesModel series) {
        if (data != null && data.hasTestSet()) {
            testSetProtocol(c.annotation(io.kiln.dsl.CsvData.class), data.testFile().isEmpty()
                    ? InputReader.CSVDATA_TEST_RESOURCE : InputReader.CSVDATA_TEST_FILE);
        }
        if (idx != null && !idx.testImages().isEmpty()) {
            testSetProtocol(c.annotation(io.kiln.dsl.IdxData.class), InputReader.IDXDATA_TEST_IMAGES);
        }
        if (c.has(io.kiln.dsl.IdxData.class) && protocol instanceof ProtocolModel.Temporal t) {
            reporter.error(c.annotation(io.kiln.dsl.TemporalSplit.class), ProtocolModel.Temporal.ORDER_BY,
                    Message.IDX_TEMPORAL.format(t.orderBy()));
        }
        if (series != null && !(protocol instanceof ProtocolModel.Temporal)) {
            List<Annotation> declared = c.classAnnotations(ProtocolModel.annotations());
            reporter.error(c.annotation(io.kiln.dsl.Series.class), Message.SERIES_NEEDS_TEMPORAL.format(
                    declared.isEmpty() ? "the default shuffled holdout" : declared.get(0).display()));
        }
    }

    /** An official test set ({@code source.attribute}) needs a holdout that sets only validation rows aside. */
    private void testSetProtocol(Annotation source, Attr<String> attribute) {
        Annotation declared = c.classAnnotations(ProtocolModel.annotations()).stream().findFirst().orElse(null);
        String what = "@" + source.simpleName + "(" + attribute.name + ")";
        if (declared == null || !declared.simpleName.equals("Holdout")) {
            reporter.error(source, attribute, Message.TEST_FILE_PROTOCOL.format(what,
                    "the protocol must be @Holdout (which then only sets validation rows aside), not "
                            + (declared == null ? "the default holdout" : declared.display())
                            + ": declare @Holdout(validation = 0.2) instead"));
        } else if (declared.isSet(ProtocolModel.Holdout.TEST)) {
            reporter.error(declared, ProtocolModel.Holdout.TEST, Message.TEST_FILE_PROTOCOL.format(what,
                    "@Holdout must not set a test fraction of its own; remove test = .."));
        }
    }
}
