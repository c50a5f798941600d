package io.kiln.runtime.serve;

import io.kiln.runtime.internal.model.AtomicFiles;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
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

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final AtomicLong STAGINGS = new AtomicLong();

    /**
     * A new staging folder {@code .publish-<pid>-<n>}, readable by others (0755 less the umask) so
     * that the version folder it becomes can be served by another user.
     */
    private static Path createStaging(Path dir) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path staging = dir.resolve(".publish-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
                    + STAGINGS.incrementAndGet());
            try {
                return POSIX ? Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwxr-xr-x"))) : Files.createDirectory(staging);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** Removes staging folders of killed publishes, once untouched for {@link AtomicFiles#STALE}. */
    private static void sweepStaging(Path dir) {
        long before = System.currentTimeMillis() - AtomicFiles.STALE.toMillis();
        try (DirectoryStream<Path> stagings = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(".publish-") && Files.isDirectory(p))) {
            for (Path staging : stagings) {
                if (Files.getLastModifiedTime(staging).toMillis() < before) {
                    AtomicFiles.deleteTree(staging);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // cannot list or remove: the next publish tries again
        }
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
        sweepStaging(dir);
        Path staging = createStaging(dir);
        try {
            Path staged = staging.resolve(MODEL_FILE);
            Files.copy(modelFile, staged, StandardCopyOption.REPLACE_EXISTING);
            // the reports train wrote beside the model (digits.kiln: digits.report.json), named after model.kiln
            for (Path[] report : new Path[][] {
                    {TrainingResult.jsonReportFile(modelFile), TrainingResult.jsonReportFile(staged)},
                    {TrainingResult.htmlReportFile(modelFile), TrainingResult.htmlReportFile(staged)}}) {
                if (Files.isRegularFile(report[0])) {
                    Files.copy(report[0], report[1], StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (Path f : List.of(staged, TrainingResult.jsonReportFile(staged), TrainingResult.htmlReportFile(staged))) {
                if (Files.exists(f) && POSIX) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
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
            AtomicFiles.deleteTree(staging); // gone already once renamed to the version
        }
    }
}
