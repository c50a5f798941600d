package io.kiln.runtime.internal.train;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.dsl.Metric;
import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingFixtures;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.data.Splits;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Under k-fold, what chooses the stopping epoch (and plateau reductions) is never the held-out fold
 * that scores the fold's model: a tenth of the fold's training rows is set aside to watch.
 */
class KFoldWatchTest {

    static Set<Integer> set(int[] rows) {
        return Arrays.stream(rows).boxed().collect(Collectors.toSet());
    }

    @Test
    void withEarlyStoppingEachFoldWatchesATenthOfItsTrainingRowsAndNeverTheHeldOutFold() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new KFoldProtocol(5, 1, true, true, 0))
                .earlyStopping(new EarlyStopping(Metric.LOSS, 3, 0, true)).fit(new FitSettings(30, 16, 3)).build();
        Trainer.Prepared p = Trainer.prepare(def, TrainOptions.defaults().quiet());
        KFoldProtocol k = (KFoldProtocol) def.protocol();
        List<Splits.Fold> folds = CrossValidation.folds(def, p.data(), p.split().train(), k, p.fit(), 0);
        for (int f = 0; f < folds.size(); f++) {
            Splits.Fold fold = folds.get(f);
            Splits.Fold watched = CrossValidation.monitored(def, p.data(), fold, p.fit().seed(), f);
            Set<Integer> held = set(fold.validation());
            Set<Integer> train = set(watched.train());
            Set<Integer> watch = set(watched.validation());
            assertThat(watch).hasSize(fold.train().length / 10);
            assertThat(new HashSet<>(train)).containsNoneIn(held);
            assertThat(watch).containsNoneIn(held);
            assertThat(watch).containsNoneIn(train);
            Set<Integer> both = new HashSet<>(train);
            both.addAll(watch);
            assertThat(both).isEqualTo(set(fold.train()));
            // stratified as the folds are: each class among the watched rows
            assertThat(Arrays.stream(watched.validation()).map(r -> p.data().classes()[r]).distinct().count())
                    .isEqualTo(3);
        }
        // the fold table counts the rows each fold's model trained on: 120 less the 12 it watched
        TrainingResult r = Trainer.train(def, TrainOptions.defaults().quiet().references(false));
        for (Report.Fold fold : r.report().crossValidation().folds()) {
            assertThat(fold.trainRows()).isEqualTo(108);
            assertThat(fold.validationRows()).isEqualTo(30);
        }
    }

    @Test
    void withoutStoppingOrPlateauTheFoldTrainsOnAllItsTrainingRowsAndItsCurvesShowTheHeldOutFold() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new KFoldProtocol(5, 1, true, true, 0))
                .fit(new FitSettings(3, 16, 3)).build();
        Trainer.Prepared p = Trainer.prepare(def, TrainOptions.defaults().quiet());
        Splits.Fold fold = CrossValidation.folds(def, p.data(), p.split().train(), (KFoldProtocol) def.protocol(),
                p.fit(), 0).get(0);
        assertThat(CrossValidation.monitored(def, p.data(), fold, 3, 0)).isSameInstanceAs(fold);
    }
}
