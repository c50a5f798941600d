package io.kiln.runtime.internal.train;

import io.kiln.dsl.Members;
import io.kiln.runtime.Distillation;
import io.kiln.runtime.EpochListener;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Report;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.ensemble.Ensembles;
import java.util.List;
import java.util.Locale;

/**
 * Trains what a protocol trains in each of its places (a fold, the monitored run, the final model):
 * one network, an ensemble of networks from several seeds, or a distilled student (after its teacher,
 * on the same rows, and beside the same student trained on the labels alone).
 */
public final class Units {
    private final ModelDefinition def;
    private final LabeledData data;
    private final EpochListener listener;
    /** A spec teacher's units (its definition, its view of the rows); null without one. */
    private final Units teacher;
    /** A file teacher, loaded once; null without one. */
    private final Companions.Teacher fileTeacher;

    private Units(ModelDefinition def, LabeledData data, EpochListener listener, Units teacher,
            Companions.Teacher fileTeacher) {
        this.def = def;
        this.data = data;
        this.listener = listener;
        this.teacher = teacher;
        this.fileTeacher = fileTeacher;
    }

    /** Units of a definition without a teacher (or whose teacher is given later). */
    public static Units of(ModelDefinition def, LabeledData data, EpochListener listener) {
        if (def.distillation() != null) {
            throw new IllegalArgumentException("Model '" + def.name() + "' is distilled: give its teacher");
        }
        return new Units(def, data, listener, null, null);
    }

    /** Units of a student whose teacher is a spec, trained on the same rows ({@code teacher}'s view of them). */
    public static Units distilled(ModelDefinition def, LabeledData data, EpochListener listener, Units teacher) {
        return new Units(def, data, listener, teacher, null);
    }

    /** Units of a student whose teacher was read from a model file. */
    public static Units distilled(ModelDefinition def, LabeledData data, EpochListener listener,
            Companions.Teacher teacher) {
        return new Units(def, data, listener, null, teacher);
    }

    public ModelDefinition def() {
        return def;
    }

    public LabeledData data() {
        return data;
    }

    public EpochListener listener() {
        return listener;
    }

    /** What trains in one place: see {@link #fit(int[], int[], FitSettings, int, EpochProgress, int[])}. */
    public Run fit(int[] train, int[] validation, FitSettings fit, int epochs, EpochProgress progress) {
        return fit(train, validation, fit, epochs, progress, null);
    }

    /**
     * Trains on {@code train}, watching {@code validation}: the teacher first (a spec teacher on these
     * rows only), then the network or the seeds' networks, then (to compare) the same on the labels
     * alone. {@code preprocessOn}: the rows the preprocessing is fitted on (null: {@code train}).
     */
    public Run fit(int[] train, int[] validation, FitSettings fit, int epochs, EpochProgress progress,
            int[] preprocessOn) {
        return fit(train, validation, fit, epochs, epochs, progress, preprocessOn);
    }

    /**
     * {@link #fit(int[], int[], FitSettings, int, EpochProgress, int[])} with the hard-only student
     * trained for {@code hardEpochs} (a retrain: its own monitored run's best epoch).
     */
    public Run fit(int[] train, int[] validation, FitSettings fit, int epochs, int hardEpochs, EpochProgress progress,
            int[] preprocessOn) {
        Distillation distillation = def.distillation();
        if (distillation == null) {
            return members(def, train, validation, fit, epochs, progress, null, preprocessOn);
        }
        Companions.Teacher taught = fileTeacher;
        if (teacher != null) {
            Run run = teacher.whole(train, progress.withPrefix("teacher "));
            taught = new Companions.Teacher(run.model(), teacher.data, teacher.def.name());
            progress.line(String.format(Locale.ROOT, "teacher '%s' trained on %d rows", teacher.def.name(),
                    train.length));
        }
        Soft soft = new Soft(taught.outputs(train), taught.model(),
                distillation.effectiveTemperature(def.task()), distillation.alpha());
        Run student = members(def, train, validation, fit, epochs, progress.withPrefix("student "), soft, preprocessOn);
        Run hard = null;
        if (distillation.compare()) {
            hard = members(def.withoutDistillation(), train, validation, fit, hardEpochs,
                    progress.withPrefix("hard-only "), null, preprocessOn);
        }
        Companions c = student.companions() == null ? Companions.NONE : student.companions();
        return student.withCompanions(new Companions(c.members(), taught, hard));
    }

    /**
     * The model this definition deploys, trained on {@code train} by its own settings (a teacher
     * inside its student's protocol): for an ensemble of fold models, its k-fold cross-validation of
     * {@code train} and the folds' average.
     */
    Run whole(int[] train, EpochProgress progress) {
        FitSettings own = def.fit();
        if (def.ensemble() != null && def.ensemble().members() == Members.FOLDS) {
            CrossValidation cv = CrossValidation.run(this, train, (io.kiln.runtime.KFoldProtocol) def.protocol(), own,
                    progress, train);
            return combine(cv.runs());
        }
        // the rows it watches (early stopping, reduce-on-plateau) are its own, drawn from the training rows: it
        // never watches the rows its student is validated or scored on
        Splits.Fold watched = CrossValidation.monitored(def, data, new Splits.Fold(train, new int[0]), own.seed(), 0);
        return fit(watched.train(), watched.validation(), own, own.epochs(), progress);
    }

    /** One network, or the seeds' networks averaged. */
    private Run members(ModelDefinition d, int[] train, int[] validation, FitSettings fit, int epochs,
            EpochProgress progress, Soft soft, int[] preprocessOn) {
        if (d.ensemble() == null || d.ensemble().members() != Members.SEEDS) {
            return TrainingLoop.fit(d, data, train, validation, fit, epochs, progress, listener, soft, preprocessOn);
        }
        int n = d.ensemble().seeds();
        // the seeds' networks train side by side (each as if alone)
        List<Run> runs = Parallel.map(n, i -> TrainingLoop.fit(d, data, train, validation,
                new FitSettings(fit.epochs(), fit.batchSize(), fit.seed() + i), epochs,
                progress.withPrefix(String.format(Locale.ROOT, "member %d/%d ", i + 1, n)), listener, soft,
                preprocessOn), listener == null);
        return combine(runs);
    }

    /**
     * Runs of networks sharing one preprocessing as one run of their average: the mean curves, the
     * mean best epoch; the members are kept as companions to be scored on their own.
     */
    static Run combine(List<Run> runs) {
        Run first = runs.get(0);
        List<KilnModel> members = runs.stream().map(Run::model).toList();
        KilnModel averaged = new KilnModel(Ensembles.average(members.stream().map(KilnModel::network).toList()),
                first.model().metadata());
        List<List<Report.Epoch>> histories = runs.stream().map(Run::history).toList();
        int best = (int) Math.round(runs.stream().mapToInt(Run::bestEpoch).average().orElse(0));
        Companions firsts = first.companions() == null ? Companions.NONE : first.companions();
        // fold models distilled each from their own teacher: their hard-only twins average as they do; the
        // teachers (each with the preprocessing of its fold) are compared fold by fold only
        Run hard = firsts.hardOnly() == null || runs.stream().anyMatch(r -> r.companions() == null
                || r.companions().hardOnly() == null) ? null
                : runs.size() == 1 ? firsts.hardOnly() : combine(runs.stream().map(r -> r.companions().hardOnly()).toList());
        Companions.Teacher teacher = firsts.teacher() != null && runs.stream().allMatch(r -> r.companions() != null
                && r.companions().teacher() == firsts.teacher()) ? firsts.teacher() : null;
        Companions c = new Companions(firsts.members(), teacher, teacher == null ? null : hard);
        return new Run(averaged, CrossValidation.meanHistory(histories), best,
                runs.stream().anyMatch(Run::stoppedEarly), runs.stream().anyMatch(Run::restoredBest), first.monitor(),
                first.learningRate(), runs.stream().mapToDouble(Run::firstLoss).average().orElse(Double.NaN),
                first.deadRelu(), first.transfer(), first.wordVectors(), c.withMembers(members));
    }
}
