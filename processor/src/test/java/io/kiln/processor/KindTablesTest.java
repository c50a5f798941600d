package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Target;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each concept has one table: the layer kinds, optimizers, protocols and schedules. These tests
 * hold each table to its sealed type (every permitted record is in the table once) and to the
 * annotations of {@code io.kiln.dsl} (every layer, optimizer, protocol and schedule annotation is
 * in its table), so that adding an annotation without its rule, or a rule without its table row,
 * fails here.
 */
class KindTablesTest {

    /** The annotation types of {@code io.kiln.dsl}, read from the annotations' class folder or jar. */
    private static List<Class<?>> dslAnnotations() throws IOException, URISyntaxException {
        Path root = Path.of(io.kiln.dsl.Model.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root.resolve("io/kiln/dsl"))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                        .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
            }
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(root.toFile())) {
                jar.stream().map(java.util.jar.JarEntry::getName)
                        .filter(n -> n.startsWith("io/kiln/dsl/") && n.endsWith(".class") && !n.contains("$"))
                        .forEach(n -> names.add(n.substring("io/kiln/dsl/".length(), n.length() - ".class".length())));
            }
        }
        return names.stream().map(n -> {
            try {
                return Class.forName("io.kiln.dsl." + n);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }).filter(Class::isAnnotation).collect(Collectors.toList());
    }

    private static boolean onFields(Class<?> annotation) {
        Target target = annotation.getAnnotation(Target.class);
        return target != null && Arrays.asList(target.value()).contains(ElementType.FIELD);
    }

    @Test
    void everyLayerAnnotationHasOneKindAndEveryKindOneRecord() throws Exception {
        // the roles of a field, and what a search varies on one (@Tune), are not layers
        Set<String> roles = Set.of("Feature", "Features", "Text", "Label", "Tune", "Tunes");
        Set<String> layerAnnotations = dslAnnotations().stream().filter(KindTablesTest::onFields)
                .map(Class::getSimpleName).filter(n -> !roles.contains(n)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> registered = LayerKinds.ALL.stream().map(k -> k.annotation().getSimpleName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertWithMessage("layer annotations of io.kiln.dsl without a row in LayerKinds, or rows without one")
                .that(registered).isEqualTo(layerAnnotations);
        assertThat(LayerKinds.ALL).hasSize(registered.size());

        Set<Class<?>> permitted = records(LayerModel.class);
        Set<Class<?>> models = LayerKinds.ALL.stream().map(LayerKinds.Kind::model).collect(Collectors.toSet());
        assertWithMessage("records LayerModel permits against the records LayerKinds reads into")
                .that(models).isEqualTo(permitted);
        assertThat(models).hasSize(LayerKinds.ALL.size());
    }

    @Test
    void everyOptimizerAnnotationHasOneKindAndEveryKindOneRecord() throws Exception {
        Set<String> optimizers = annotationsNamed(dslAnnotations(), Set.of("Sgd", "Adam", "AdamW", "RmsProp", "AdaGrad"));
        assertThat(OptimizerModel.KINDS.stream().map(k -> k.annotation().getSimpleName()).collect(Collectors.toSet()))
                .isEqualTo(optimizers);
        assertThat(Set.of(OptimizerModel.class.getPermittedSubclasses()).stream().map(Class::getSimpleName)
                .collect(Collectors.toSet())).isEqualTo(optimizers);
    }

    @Test
    void everyProtocolAnnotationHasOneKindAndEveryKindOneRecord() throws Exception {
        assertThat(ProtocolModel.KINDS.stream().map(k -> k.annotation().getSimpleName()).collect(Collectors.toList()))
                .containsExactly("Holdout", "KFold", "TemporalSplit");
        assertThat(ProtocolModel.KINDS).hasSize(ProtocolModel.class.getPermittedSubclasses().length);
        assertThat(annotationsNamed(dslAnnotations(), Set.of("Holdout", "KFold", "TemporalSplit"))).hasSize(3);
    }

    @Test
    void everyScheduleAnnotationHasOneKindAndEveryKindOneRecord() throws Exception {
        Set<String> schedules = dslAnnotations().stream().map(Class::getSimpleName)
                .filter(n -> n.endsWith("Decay") || n.equals("OneCycle")).collect(Collectors.toSet());
        assertThat(ScheduleModel.annotations().stream().map(Class::getSimpleName).collect(Collectors.toSet()))
                .isEqualTo(schedules);
        // one record per annotation, and Constant for @Warmup alone
        assertThat(ScheduleModel.class.getPermittedSubclasses()).hasLength(ScheduleModel.KINDS.size() + 1);
    }

    /** The records a sealed type permits, through sealed interfaces in between (the recurrent layers'). */
    private static Set<Class<?>> records(Class<?> sealed) {
        Set<Class<?>> result = new java.util.HashSet<>();
        for (Class<?> c : sealed.getPermittedSubclasses()) {
            if (c.isSealed() && c.isInterface()) {
                result.addAll(records(c));
            } else {
                result.add(c);
            }
        }
        return result;
    }

    private static Set<String> annotationsNamed(List<Class<?>> annotations, Set<String> names) {
        return annotations.stream().map(Class::getSimpleName).filter(names::contains).collect(Collectors.toSet());
    }

    @Test
    void attributesAreNamedByMethodReferences() {
        Attr<Integer> units = Attr.of(io.kiln.dsl.Dense.class, io.kiln.dsl.Dense::units);
        assertThat(units.name).isEqualTo("units");
        assertThat(units.type).isEqualTo(int.class);
        assertThat(Attr.of(io.kiln.dsl.Conv2D.class, io.kiln.dsl.Conv2D::kernel).type).isEqualTo(int[].class);
        // a function that calls no attribute names none
        assertThrows(IllegalArgumentException.class, () -> Attr.of(io.kiln.dsl.Dense.class, d -> 1));
    }
}
