package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.runtime.serve.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 at random points of saving a trained model with its reports and of publishing it: what
 * is left must always be a loadable model beside parseable reports, and a store whose every version
 * loads and that takes the next publish. (Batch scoring's kills are in {@code BatchScorerTest}.)
 */
class FaultInjectionTest {
    @TempDir
    Path dir;

    @Test
    void killedSavesAndPublishesLeaveLoadableModelsAndAConsistentStore() throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        Path model = dir.resolve("models/flowers.kiln");
        Path store = dir.resolve("store");
        Random random = new Random(11);
        for (int kill = 0; kill < 3; kill++) {
            Path log = dir.resolve("child-" + kill + ".log");
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-cp",
                    System.getProperty("java.class.path"), SaveChild.class.getName(), csv.toString(), model.toString(),
                    store.toString());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("OMP_NUM_THREADS", "1");
            Process child = pb.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!Files.exists(log) || !Files.readString(log).contains("saved 2")) {
                    assertWithMessage("the child died:\n%s", Files.exists(log) ? Files.readString(log) : "")
                            .that(child.isAlive()).isTrue();
                    assertWithMessage("no second save after 90 s").that(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(20);
                }
                Thread.sleep(random.nextInt(300)); // the kill lands anywhere in a save or a publish
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }

            KilnModel loaded = KilnModel.load(model);
            assertThat(loaded.metadata().name()).isEqualTo("flowers");
            JsonNode report = KilnModel.JSON.readTree(TrainingResult.jsonReportFile(model).toFile());
            assertThat(report.isObject()).isTrue();
            assertThat(Files.readString(TrainingResult.htmlReportFile(model))).contains("</html>");
            ModelStore s = new ModelStore(store);
            List<Long> versions = s.versions("flowers");
            assertThat(versions).isNotEmpty();
            for (long v : versions) {
                KilnModel.load(s.file("flowers", v)); // every listed version loads
            }
            assertThat(s.publish(model).version()).isEqualTo(versions.get(versions.size() - 1) + 1);
        }
    }
}
