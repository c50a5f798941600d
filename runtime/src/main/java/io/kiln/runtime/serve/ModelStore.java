package io.kiln.runtime.serve;

import io.kiln.runtime.KilnModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A folder of models and their versions, laid out like a Triton or TF-Serving model repository:
 * {@code <store>/<model>/<version>/model.kiln}, versions being positive integers. Publishing copies
 * a model file in as the next version; a version folder appears atomically (it is prepared under a
 * hidden name and renamed), so a server polling the store never loads a half-written model.
 */
public final class ModelStore {
    /** The model file's name inside a version folder. */
    public static final String MODEL_FILE = "model.kiln";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final Path root;

    public ModelStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Model names in the store, sorted. */
    public List<String> models() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        TreeSet<String> names = new TreeSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (NAME.matcher(name).matches() && !versions(name).isEmpty()) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(names);
    }

    /** The versions of a model that hold a model file, ascending. */
    public List<Long> versions(String model) {
        Path dir = root.resolve(model);
        if (!NAME.matcher(model).matches() || !Files.isDirectory(dir)) {
            return List.of();
        }
        TreeSet<Long> versions = new TreeSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path d : dirs) {
                String v = d.getFileName().toString();
                if (v.matches("[1-9][0-9]{0,17}") && Files.isRegularFile(d.resolve(MODEL_FILE))) {
                    versions.add(Long.parseLong(v));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(versions);
    }

    public Path file(String model, long version) {
        return root.resolve(model).resolve(Long.toString(version)).resolve(MODEL_FILE);
    }

    /** A published version. */
    public record Published(String model, long version, Path file) {}

    /**
     * Copies a trained model file into the store as the next version of its model (named by the
     * model's metadata), with its reports when they sit beside it.
     */
    public synchronized Published publish(Path modelFile) throws IOException {
        KilnModel model = KilnModel.load(modelFile); // refuses anything that is not a readable Kiln model
        String name = model.metadata().name();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Model name '" + name + "' cannot be a store folder name");
        }
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        List<Long> existing = versions(name);
        long version = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
        Path staging = Files.createTempDirectory(dir, ".publish-");
        try {
            Files.copy(modelFile, staging.resolve(MODEL_FILE), StandardCopyOption.REPLACE_EXISTING);
            for (String suffix : new String[] {".report.json", ".report.html"}) {
                Path report = modelFile.resolveSibling(modelFile.getFileName() + suffix);
                if (Files.isRegularFile(report)) {
                    Files.copy(report, staging.resolve(MODEL_FILE + suffix), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path target = dir.resolve(Long.toString(version));
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
            return new Published(name, version, file(name, version));
        } finally {
            if (Files.exists(staging)) {
                try (var files = Files.walk(staging)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
