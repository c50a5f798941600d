package io.kiln.runtime;

import java.nio.file.Path;

/**
 * <b>Public API</b>. A spec's {@code @Distillation}: the student's loss blends the teacher's softened
 * predictions with the labels ({@link DistillationLoss}).
 *
 * @param teacher the teacher spec's definition, trained inside the student's protocol; null for a
 *     file teacher
 * @param file the teacher's model file; null for a spec teacher
 * @param temperature T, positive
 * @param alpha the soft loss's share, in [0, 1]
 * @param compare whether the same student is also trained on the labels alone, for the report
 */
public record Distillation(ModelDefinition teacher, Path file, double temperature, double alpha, boolean compare) {
    public Distillation {
        if ((teacher == null) == (file == null)) {
            throw new IllegalArgumentException("[kiln.distill-teacher] A distillation has one teacher: a spec or a "
                    + "model file. Give exactly one.");
        }
        new DistillationLoss(temperature, alpha); // checks both
    }

    /** A teacher spec of the project. */
    public static Distillation of(ModelDefinition teacher, double temperature, double alpha, boolean compare) {
        return new Distillation(teacher, null, temperature, alpha, compare);
    }

    /** A teacher read from a saved model file. */
    public static Distillation file(String file, double temperature, double alpha, boolean compare) {
        return new Distillation(null, Path.of(file), temperature, alpha, compare);
    }

    /**
     * Fails unless a teacher predicts what the student does: the same task, from the same label
     * columns, with the same classes in the same order.
     */
    public static void checkTeacher(ModelDefinition student, io.kiln.dsl.Task task, LabelSchema label, String teacher) {
        if (task != student.task()) {
            throw new IllegalArgumentException("[kiln.distill-task] The teacher '" + teacher + "' predicts " + task
                    + ", but '" + student.name() + "' predicts " + student.task() + ". Choose a teacher of the "
                    + "same task.");
        }
        if (!label.columns().equals(student.label().columns()) || !label.classes().equals(student.label().classes())) {
            throw new IllegalArgumentException("[kiln.distill-classes] The teacher '" + teacher + "' predicts "
                    + describe(label) + ", but '" + student.name() + "' predicts " + describe(student.label())
                    + ". Choose a teacher of the same label and classes, in the same order.");
        }
    }

    private static String describe(LabelSchema label) {
        return label.columns() + (label.classes().isEmpty() ? "" : " with classes " + label.classes());
    }

    /** The temperature the loss runs at for {@code task}: T, or 1 for regression (nothing to soften). */
    public double effectiveTemperature(io.kiln.dsl.Task task) {
        return task.isClassification() ? temperature : 1;
    }

    /** The teacher in words: its spec's model name, or its file. */
    public String teacherName() {
        return teacher != null ? teacher.name() : file.toString();
    }
}
