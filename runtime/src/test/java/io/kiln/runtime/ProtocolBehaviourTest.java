package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.dsl.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evaluation protocols carry their behaviour: what they need from the data, how they describe
 * their split, and, unchanged by that, their JSON form in the model file and the report.
 */
class ProtocolBehaviourTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HoldoutProtocol holdout = new HoldoutProtocol(0.2, 0.2, true, true, true);
    private final KFoldProtocol kfold = new KFoldProtocol(5, 2, true, true, 0.1);
    private final TemporalProtocol temporal = new TemporalProtocol("year", 0.15, 0.15);

    @Test
    void onlyTheTemporalSplitOrdersRowsByAColumn() {
        assertThat(holdout.orderColumn()).isNull();
        assertThat(kfold.orderColumn()).isNull();
        assertThat(temporal.orderColumn()).isEqualTo("year");
    }

    @Test
    void onlyTheHoldoutTakesASeparateTestFile() {
        assertThat(holdout.acceptsTestFile()).isTrue();
        assertThat(kfold.acceptsTestFile()).isFalse();
        assertThat(temporal.acceptsTestFile()).isFalse();
        assertThrows(UnsupportedOperationException.class, () -> kfold.splitWithTestSet(null, 3, 1));
    }

    @Test
    void eachDescribesItsSplit() {
        assertThat(holdout.describeSplit(90, 30, 30)).isEqualTo("90 train / 30 validation / 30 test");
        assertThat(temporal.describeSplit(90, 30, 30)).isEqualTo("90 train / 30 validation / 30 test");
        assertThat(kfold.describeSplit(120, 0, 30)).isEqualTo("120 cross-validated / 30 test");
        assertThat(holdout.describe(Task.BINARY_CLASSIFICATION, "test.csv"))
                .isEqualTo(holdout.describeWithTestSet(Task.BINARY_CLASSIFICATION, "test.csv"));
        assertThat(kfold.describe(Task.SCALAR_REGRESSION, "x")).isEqualTo(kfold.describe(Task.SCALAR_REGRESSION));
    }

    @Test
    void theJsonFormIsUnchanged() throws Exception {
        assertThat(JSON.writerFor(EvaluationProtocol.class).writeValueAsString(holdout)).isEqualTo(
                "{\"type\":\"holdout\",\"validation\":0.2,\"test\":0.2,\"stratified\":true,\"shuffle\":true,"
                        + "\"retrain\":true}");
        assertThat(JSON.writerFor(EvaluationProtocol.class).writeValueAsString(kfold)).isEqualTo(
                "{\"type\":\"kfold\",\"k\":5,\"repeats\":2,\"stratified\":true,\"shuffle\":true,\"test\":0.1}");
        assertThat(JSON.writerFor(EvaluationProtocol.class).writeValueAsString(temporal)).isEqualTo(
                "{\"type\":\"temporal\",\"orderBy\":\"year\",\"validation\":0.15,\"test\":0.15}");
        for (EvaluationProtocol p : List.of(holdout, kfold, temporal)) {
            assertThat(JSON.readValue(JSON.writerFor(EvaluationProtocol.class).writeValueAsString(p),
                    EvaluationProtocol.class)).isEqualTo(p);
        }
    }
}
