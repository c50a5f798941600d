package io.kiln.spark;

import io.kiln.runtime.ModelDefinition;
import java.io.Serializable;

/**
 * Public API. Where an executor gets the model definition from: it cannot travel as an object (it
 * holds the network's code), so each executor asks for it by name, from the spec's generated
 * {@code <Spec>Trainer.DEFINITION} on the application's class path.
 */
@FunctionalInterface
public interface DefinitionSource extends Serializable {
    ModelDefinition definition();

    /** The definition the processor generated for the spec class {@code specClassName} ({@code <Spec>Trainer.DEFINITION}). */
    static DefinitionSource ofSpec(String specClassName) {
        return () -> {
            String trainer = specClassName + "Trainer";
            try {
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                Class<?> c = Class.forName(trainer, true, loader != null ? loader : DefinitionSource.class.getClassLoader());
                return (ModelDefinition) c.getField("DEFINITION").get(null);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("No generated " + trainer + " on the class path: is "
                        + specClassName + " a Kiln spec compiled into the application jar?", e);
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalArgumentException(trainer + " has no public static ModelDefinition DEFINITION", e);
            }
        };
    }
}
