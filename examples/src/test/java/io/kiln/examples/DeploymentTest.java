package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.examples.device.OnDevice;
import io.kiln.examples.iris.IrisPredictor;
import io.kiln.examples.iris.IrisTrainer;
import io.kiln.runtime.TrainOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploying a model trained from a spec: the typed predictor from many threads and in a plain
 * program with only the runtime, and the generated CLI's {@code publish} and {@code serve} as a
 * user runs them, stopped by SIGTERM.
 */
class DeploymentTest {
    @TempDir static Path dir;
    static Path model;
    static IrisPredictor predictor;

    @BeforeAll
    static void train() throws IOException {
        model = dir.resolve("iris.kiln");
        IrisTrainer.train(new TrainOptions(null, 20, null, null, null, false)).model().save(model);
        predictor = IrisPredictor.load(model);
    }

    static List<IrisPredictor.Input> flowers() {
        List<IrisPredictor.Input> inputs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            inputs.add(new IrisPredictor.Input(4.5 + i % 8 * 0.4, 2.2 + i % 5 * 0.4, 1 + i % 7 * 0.9, 0.1 + i % 6 * 0.45));
        }
        return inputs;
    }

    @Test
    void thePredictorIsThreadSafeSingleAndBatched() throws Exception {
        List<IrisPredictor.Input> inputs = flowers();
        List<IrisPredictor.Prediction> sequential = new ArrayList<>();
        for (IrisPredictor.Input in : inputs) {
            sequential.add(predictor.predict(in));
        }
        assertThat(predictor.predict(inputs)).isEqualTo(sequential); // one batch gives the same answers
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> same = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int offset = t;
            same.add(pool.submit(() -> {
                for (int round = 0; round < 25; round++) {
                    int i = (offset * 7 + round) % inputs.size();
                    if (!predictor.predict(inputs.get(i)).equals(sequential.get(i))
                            || !predictor.predict(inputs.subList(i, Math.min(i + 5, inputs.size())))
                                    .equals(sequential.subList(i, Math.min(i + 5, inputs.size())))) {
                        return false;
                    }
                }
                return true;
            }));
        }
        for (Future<Boolean> f : same) {
            assertThat(f.get()).isTrue();
        }
        pool.shutdown();
    }

    @Test
    void aPlainProgramPredictsWithOnlyTheModelFileAndTheRuntime() throws Exception {
        // the program's class path: the runtime and its libraries, the generated predictor and the
        // program; not the processor, not the examples' data or specs' resources
        Path app = dir.resolve("app");
        for (Class<?> c : List.of(OnDevice.class, IrisPredictor.class, IrisPredictor.Input.class,
                IrisPredictor.Prediction.class)) {
            String resource = c.getName().replace('.', '/') + ".class";
            Path target = app.resolve(resource);
            Files.createDirectories(target.getParent());
            try (var in = c.getClassLoader().getResourceAsStream(resource)) {
                Files.write(target, in.readAllBytes());
            }
        }
        List<String> classPath = new ArrayList<>();
        classPath.add(app.toString());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            boolean project = entry.contains("kiln-processor") || entry.contains("javapoet") || entry.contains("auto-service")
                    || entry.contains("compile-testing") || entry.endsWith("classes") || entry.endsWith("test-classes");
            if (!project) {
                classPath.add(entry);
            }
        }
        assertThat(classPath.stream().anyMatch(e -> e.contains("kiln-runtime") || e.contains("runtime/target"))).isTrue();
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx512m", "-cp", String.join(File.pathSeparator, classPath),
                OnDevice.class.getName(), model.toString()).redirectErrorStream(false);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(0);
        List<IrisPredictor.Prediction> expected = predictor.predict(List.of(new IrisPredictor.Input(5.1, 3.5, 1.4, 0.2),
                new IrisPredictor.Input(6.4, 3.2, 4.5, 1.5), new IrisPredictor.Input(6.3, 3.3, 6.0, 2.5)));
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(lines.get(i)).isEqualTo(expected.get(i).species() + " " + expected.get(i).probabilities());
        }
        assertThat(err).doesNotContain("Exception");
    }

    @Test
    void publishThenServeAnswersUntilSigterm() throws Exception {
        Path store = dir.resolve("store");
        CliTest.Run published = CliTest.cli("publish", "--model", model.toString(), "--store", store.toString());
        assertThat(published.exit()).isEqualTo(0);
        assertThat(published.out()).contains("as iris version 1");
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.kiln.examples.iris.IrisMain", "serve", "--store", store.toString(), "--port", "0");
        pb.environment().put("OMP_NUM_THREADS", "1");
        Path log = dir.resolve("serve.err");
        pb.redirectError(log.toFile()); // destroy() closes the process's pipes
        Process server = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).isNotNull();
            Matcher m = Pattern.compile("serving \\{iris=\\[1\\]\\} on (http://127\\.0\\.0\\.1:\\d+)").matcher(first);
            assertThat(m.find()).isTrue();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1)
                    + "/kiln/models/iris/predict")).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"sepalLength\":5.1,\"sepalWidth\":3.5,\"petalLength\":1.4,\"petalWidth\":0.2}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"label\":\"setosa\"");
            server.destroy(); // SIGTERM
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isEqualTo(0); // a graceful stop is a success
            String err = Files.readString(log);
            assertThat(err).contains("stopping: finishing requests in flight");
            assertThat(err).contains("stopped");
        } finally {
            server.destroyForcibly();
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
