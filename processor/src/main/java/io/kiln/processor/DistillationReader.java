package io.kiln.processor;

import io.kiln.dsl.Distillation;
import io.kiln.dsl.Ensemble;
import io.kiln.dsl.Members;
import io.kiln.dsl.Task;
import io.kiln.processor.SpecModel.DistillationModel;
import io.kiln.processor.SpecModel.EnsembleModel;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.ImageModel;
import io.kiln.processor.SpecModel.LabelModel;
import io.kiln.processor.SpecModel.SeriesModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Reads what a spec learns from other models: {@code @Ensemble} (the networks its deployed model
 * averages) and {@code @Distillation} (the teacher its network learns from). A teacher spec is read
 * silently, as a transfer source is: it must predict the same task and classes from columns this spec
 * reads. A teacher file is checked when training starts.
 */
final class DistillationReader {
    static final Attr<Members> MEMBERS = Attr.of(Ensemble.class, Ensemble::members);
    static final Attr<Integer> SEEDS = Attr.of(Ensemble.class, Ensemble::seeds);
    static final Attr<Class<?>> TEACHER = Attr.of(Distillation.class, Distillation::teacher);
    static final Attr<String> FILE = Attr.of(Distillation.class, Distillation::file);
    static final Attr<Double> TEMPERATURE = Attr.of(Distillation.class, Distillation::temperature);
    static final Attr<Double> ALPHA = Attr.of(Distillation.class, Distillation::alpha);
    static final Attr<Boolean> COMPARE = Attr.of(Distillation.class, Distillation::compare);

    private final ReadContext c;

    DistillationReader(ReadContext c) {
        this.c = c;
    }

    /** {@code @Ensemble}, or null without one (or with errors, reported). */
    EnsembleModel readEnsemble(ProtocolModel protocol) {
        Annotation e = c.annotation(Ensemble.class);
        if (e == null) {
            return null;
        }
        int errors = c.reporter.errorCount();
        Members members = e.get(MEMBERS);
        int seeds = e.get(SEEDS);
        if (members == Members.SEEDS && seeds < 2) {
            c.reporter.error(e, SEEDS, Message.ENSEMBLE_SEEDS.format(seeds));
        }
        if (members == Members.FOLDS) {
            if (e.isSet(SEEDS)) {
                c.reporter.error(e, SEEDS, Message.ENSEMBLE_SEEDS_FOLDS.format());
            }
            if (!(protocol instanceof ProtocolModel.KFold k)) {
                c.reporter.error(e, MEMBERS, Message.ENSEMBLE_ONE_MODEL.format(
                        protocol.specText().replaceAll("\\(.*", "")));
            } else if (k.test() <= 0) {
                Annotation kfold = c.annotation(io.kiln.dsl.KFold.class);
                c.reporter.error(kfold != null ? kfold : e, Message.ENSEMBLE_FOLDS_TEST.format());
            }
        }
        if (c.reporter.errorCount() > errors) {
            return null;
        }
        return new EnsembleModel(members, members == Members.SEEDS ? seeds : 0);
    }

    /** {@code @Distillation}, or null without one (or with errors, reported). */
    DistillationModel readDistillation(Task task, LabelModel label, List<FeatureModel> features, ImageModel image,
            SeriesModel series) {
        Annotation d = c.annotation(Distillation.class);
        if (d == null) {
            return null;
        }
        int errors = c.reporter.errorCount();
        double temperature = d.get(TEMPERATURE);
        double alpha = d.get(ALPHA);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            c.reporter.error(d, TEMPERATURE, Message.DISTILL_TEMPERATURE.format(ReadContext.number(temperature)));
        } else if (!task.isClassification() && d.isSet(TEMPERATURE)) {
            c.reporter.error(d, TEMPERATURE, Message.DISTILL_NO_SOFT_OUTPUTS.format(task));
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            c.reporter.error(d, ALPHA, Message.DISTILL_ALPHA.format(ReadContext.number(alpha)));
        }
        String file = d.get(FILE);
        TypeMirror teacherType = d.type(TEACHER);
        SpecModel teacher = null;
        if (teacherType.getKind() == TypeKind.VOID) {
            if (file.isEmpty()) {
                c.reporter.error(d, Message.DISTILL_TEACHER_NONE.format());
            } else if (!file.toLowerCase(Locale.ROOT).endsWith(".kiln")) {
                c.reporter.error(d, FILE, Message.DISTILL_FILE_KIND.format(file));
            }
        } else {
            if (!file.isEmpty()) {
                c.reporter.error(d, FILE, Message.DISTILL_TEACHER_BOTH.format(file));
            }
            teacher = c.readNamedSpec(d, TEACHER, (TypeElement) ((DeclaredType) teacherType).asElement(),
                    Distillation.class, Message.DISTILL_SELF, Message.DISTILL_NOT_SPEC, Message.DISTILL_CYCLE,
                    Message.DISTILL_TEACHER_ERRORS);
            if (teacher != null) {
                String name = teacher.type().getSimpleName().toString();
                if (teacher.task() != task) {
                    c.reporter.error(d, TEACHER, Message.DISTILL_TASK.format(name, teacher.task(), c.type.getSimpleName(),
                            task));
                } else if (label != null && (!teacher.label().columns().equals(label.columns())
                        || !teacher.label().classes().equals(label.classes()))) {
                    c.reporter.error(d, TEACHER, Message.DISTILL_CLASSES.format(name, describe(teacher.label()),
                            c.type.getSimpleName(), describe(label)));
                }
                String unread = unread(teacher, features, image, series);
                if (unread != null) {
                    c.reporter.error(d, TEACHER, Message.DISTILL_INPUT.format(name, unread, c.type.getSimpleName()));
                }
            }
        }
        if (c.reporter.errorCount() > errors) {
            return null;
        }
        return new DistillationModel(teacher == null ? null : teacher.type().getQualifiedName().toString(),
                teacher == null ? null : teacher.packageName(),
                teacher == null ? null : teacher.simpleName(), file, temperature, alpha, d.get(COMPARE));
    }

    private static String describe(LabelModel label) {
        return "label " + String.join(", ", label.columns().stream().map(col -> "'" + col + "'").toList())
                + (label.classes().isEmpty() ? "" : " with classes " + label.classes());
    }

    /**
     * What the teacher reads that this spec does not (in words), or null when this spec reads all of
     * it: the same image or series, and each of the teacher's columns, or groups of columns, as the
     * same kind.
     */
    static String unread(SpecModel teacher, List<FeatureModel> features, ImageModel image, SeriesModel series) {
        if (teacher.image() != null || image != null) {
            return Objects.equals(teacher.image(), image) ? null : TransferReader.inputOf(teacher.features(),
                    teacher.image(), teacher.series()) + " (this spec reads " + TransferReader.inputOf(features,
                    image, series) + ")";
        }
        if (!Objects.equals(teacher.series(), series)) {
            return TransferReader.inputOf(teacher.features(), teacher.image(), teacher.series()) + " (this spec reads "
                    + TransferReader.inputOf(features, image, series) + ")";
        }
        boolean studentHasGroups = features.stream().anyMatch(FeatureModel::isGroup);
        for (FeatureModel f : teacher.features()) {
            String kind = f.kind().name().toLowerCase(Locale.ROOT);
            boolean found = features.stream().anyMatch(mine -> mine.kind() == f.kind() && (f.isGroup()
                    ? mine.isGroup() && Objects.equals(mine.columns(), f.columns())
                    : !mine.isGroup() && mine.column().equals(f.column())));
            // a single column may be one of this spec's groups: the data's header tells, when training starts
            boolean maybe = !f.isGroup() && studentHasGroups;
            if (!found && !maybe) {
                return (f.isGroup() ? "the group of columns " + f.name() + "[]" : "column '" + f.column() + "'")
                        + " as " + kind;
            }
        }
        return null;
    }
}
