package io.kiln.runtime.serve;

import io.kiln.runtime.KilnModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The models a server serves: every model of a {@link ModelStore} (its newest versions), or single
 * model files. Loading a version never disturbs requests in flight: the registry publishes a new
 * immutable snapshot, and a replaced version is closed only after the swap.
 */
final class ModelRegistry implements AutoCloseable {
    /**
     * A model's loaded versions, newest last; the versions newer than the served ones that failed
     * to load, with the reason; and a summary of the failures (or null).
     */
    record Entry(String name, NavigableMap<Long, ServedModel> versions, String error, NavigableMap<Long, String> failed) {
        ServedModel latest() {
            return versions.isEmpty() ? null : versions.lastEntry().getValue();
        }
    }

    private final ModelStore store;
    private final Map<String, Path> files;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Consumer<String> log;
    private final Map<String, Traffic> traffic = new ConcurrentHashMap<>();
    private volatile Map<String, Entry> models = Map.of();
    /** Versions that failed to load, by model, with the file's state then: not retried until the file changes. */
    private final Map<String, Map<Long, Failure>> failures = new HashMap<>();
    /** Models served from single files (never dropped by a store scan). */
    private final Set<String> fileModels = new java.util.HashSet<>();

    private record Failure(String reason, long modified, long size) {}

    /**
     * @param store the store to serve, or null
     * @param files single model files to serve as version 1 of their model's name
     */
    ModelRegistry(ModelStore store, List<Path> files, ServerConfig config, ServerMetrics metrics, Consumer<String> log) {
        this.store = store;
        this.files = new LinkedHashMap<>();
        this.config = config;
        this.metrics = metrics;
        this.log = log;
        for (Path f : files) {
            this.files.put(f.toString(), f);
        }
    }

    /** Loads every model file and the store's models; fails if a single model file cannot be loaded. */
    synchronized void loadAll() throws IOException {
        Map<String, Entry> next = new TreeMap<>(models);
        for (Path f : files.values()) {
            KilnModel m = KilnModel.load(f);
            String name = m.metadata().name();
            if (next.containsKey(name)) {
                throw new IllegalArgumentException("Two models are named '" + name + "'; serve them from a store");
            }
            TreeMap<Long, ServedModel> v = new TreeMap<>();
            v.put(1L, new ServedModel(name, 1, m, f, config, metrics));
            next.put(name, new Entry(name, Collections.unmodifiableNavigableMap(v), null,
                    Collections.emptyNavigableMap()));
            fileModels.add(name);
        }
        models = Collections.unmodifiableMap(next);
        if (store != null) {
            for (String name : store.models()) {
                refresh(name);
            }
        }
        for (Map.Entry<String, Map<Long, Integer>> s : config.splits().entrySet()) {
            setSplit(s.getKey(), s.getValue());
        }
    }

    /** Rescans the store for every model: loads new versions, drops removed ones. */
    synchronized List<String> refreshAll() {
        List<String> changed = new ArrayList<>();
        if (store != null) {
            Set<String> names = new java.util.TreeSet<>(store.models());
            for (String name : names) {
                if (refresh(name)) {
                    changed.add(name);
                }
            }
            // a model whose folder left the store is no longer served
            for (String name : List.copyOf(models.keySet())) {
                if (!names.contains(name) && !fileModels.contains(name)) {
                    unload(name);
                    failures.remove(name);
                    log.accept("unloaded " + name + ": it is no longer in the store");
                    changed.add(name);
                }
            }
        }
        return changed;
    }

    /**
     * Loads the newest {@code keepVersions} versions of one model from the store that load (and
     * any version its split names). Returns whether anything changed. A version that fails to load
     * is reported and skipped, and the next older one is tried, so a broken new version never
     * takes a model offline while an older one loads; a failed version is retried when its file
     * changes.
     */
    synchronized boolean refresh(String name) {
        if (store == null) {
            throw new HttpError(400, "This server serves model files, not a store; restart it with --store DIR");
        }
        List<Long> available = store.versions(name);
        if (available.isEmpty()) {
            throw HttpError.notFound("The store has no versions of model '" + name + "'");
        }
        Entry old = models.get(name);
        NavigableMap<Long, ServedModel> current = old == null ? new TreeMap<>() : old.versions();
        Map<Long, Failure> failed = failures.computeIfAbsent(name, n -> new HashMap<>());
        TreeMap<Long, ServedModel> next = new TreeMap<>();
        TreeMap<Long, String> reported = new TreeMap<>();
        for (int i = available.size() - 1; i >= 0 && next.size() < config.keepVersions(); i--) {
            long v = available.get(i);
            ServedModel loaded = current.containsKey(v) ? current.get(v) : load(name, v, failed);
            if (loaded != null) {
                next.put(v, loaded);
            } else {
                reported.put(v, failed.get(v).reason());
            }
        }
        Traffic t = traffic.get(name);
        if (t != null) {
            for (long v : t.split().keySet()) {
                if (available.contains(v) && !next.containsKey(v)) {
                    ServedModel loaded = current.containsKey(v) ? current.get(v) : load(name, v, failed);
                    if (loaded != null) {
                        next.put(v, loaded);
                    } else {
                        reported.put(v, failed.get(v).reason());
                    }
                }
            }
        }
        failed.keySet().retainAll(reported.keySet());
        List<ServedModel> retired = new ArrayList<>();
        for (Map.Entry<Long, ServedModel> e : current.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                retired.add(e.getValue());
            }
        }
        String error = null;
        if (!reported.isEmpty()) {
            List<String> lines = new ArrayList<>();
            reported.descendingMap().forEach((v, why) -> lines.add("version " + v + " failed to load: " + why));
            error = String.join("; ", lines);
        }
        boolean changed = old == null || !old.versions().keySet().equals(next.keySet());
        Map<String, Entry> all = new TreeMap<>(models);
        all.put(name, new Entry(name, Collections.unmodifiableNavigableMap(next), error,
                Collections.unmodifiableNavigableMap(reported)));
        models = Collections.unmodifiableMap(all);
        retired.forEach(ServedModel::close);
        return changed;
    }

    /** Loads one version, or records why it failed (null); an unchanged failed file is not tried again. */
    private ServedModel load(String name, long v, Map<Long, Failure> failed) {
        Path file = store.file(name, v);
        long modified;
        long size;
        try {
            modified = java.nio.file.Files.getLastModifiedTime(file).toMillis();
            size = java.nio.file.Files.size(file);
        } catch (IOException e) {
            modified = -1;
            size = -1;
        }
        Failure before = failed.get(v);
        if (before != null && before.modified() == modified && before.size() == size) {
            return null;
        }
        try {
            KilnModel m = KilnModel.load(file);
            if (!m.metadata().name().equals(name)) {
                throw new IOException("it holds model '" + m.metadata().name() + "', not '" + name + "'");
            }
            ServedModel loaded = new ServedModel(name, v, m, file, config, metrics);
            log.accept("loaded " + name + " version " + v + " from " + file);
            failed.remove(v);
            return loaded;
        } catch (IOException | RuntimeException e) {
            log.accept("error: " + name + " version " + v + " failed to load from " + file + ": " + e.getMessage());
            failed.put(v, new Failure(withoutPaths(String.valueOf(e.getMessage()), name, v), modified, size));
            return null;
        }
    }

    /** A message for clients: the store's location replaced by paths inside it. */
    private String withoutPaths(String message, String name, long v) {
        Path file = store.file(name, v);
        String inside = name + "/" + v + "/" + ModelStore.MODEL_FILE;
        String m = message.replace(file.toAbsolutePath().normalize().toString(), inside)
                .replace(file.toAbsolutePath().toString(), inside).replace(file.toString(), inside);
        for (Path root : new Path[] {store.root().toAbsolutePath().normalize(), store.root().toAbsolutePath(),
            store.root()}) {
            String r = root.toString();
            if (!r.isEmpty() && !r.equals(".")) {
                m = m.replace(r + java.io.File.separator, "").replace(r, "<store>");
            }
        }
        return m;
    }

    /**
     * Null when every model has a loaded version, else which ones have none and why (for the
     * readiness check).
     */
    String notReady() {
        Map<String, Entry> all = models;
        if (all.isEmpty()) {
            return "no model is loaded";
        }
        List<String> missing = new ArrayList<>();
        for (Entry e : all.values()) {
            if (e.versions().isEmpty()) {
                missing.add("model '" + e.name() + "' has no loaded version" + (e.error() != null ? " (" + e.error()
                        + ")" : ""));
            }
        }
        return missing.isEmpty() ? null : String.join("; ", missing);
    }

    /** Stops serving a model; its versions finish their queued requests. */
    synchronized void unload(String name) {
        Entry old = models.get(name);
        if (old == null) {
            throw HttpError.notFound(unknownModel(name));
        }
        Map<String, Entry> all = new TreeMap<>(models);
        all.remove(name);
        models = Collections.unmodifiableMap(all);
        old.versions().values().forEach(ServedModel::close);
    }

    Map<String, Entry> models() {
        return models;
    }

    Entry entry(String name) {
        Entry e = models.get(name);
        if (e == null || e.versions().isEmpty()) {
            throw HttpError.notFound(e == null ? unknownModel(name)
                    : "Model '" + name + "' has no loaded version" + (e.error() != null ? ": " + e.error() : ""));
        }
        return e;
    }

    /**
     * The version that answers a request: the one named, else one drawn from the model's A/B split,
     * else the newest.
     */
    ServedModel resolve(String name, String version) {
        Entry e = entry(name);
        if (version != null) {
            long v;
            try {
                v = Long.parseLong(version);
            } catch (NumberFormatException ex) {
                throw HttpError.badRequest("Version '" + version + "' is not a number");
            }
            ServedModel m = e.versions().get(v);
            if (m == null) {
                throw HttpError.notFound("Model '" + name + "' has no loaded version " + version + "; loaded: "
                        + e.versions().keySet());
            }
            return m;
        }
        Long picked = traffic(name).pick();
        if (picked != null) {
            ServedModel m = e.versions().get(picked);
            if (m != null) {
                return m;
            }
        }
        return e.latest();
    }

    Traffic traffic(String name) {
        return traffic.computeIfAbsent(name, n -> new Traffic());
    }

    /** Sets a model's A/B split; every version in it must be loaded (or loadable from the store). */
    synchronized void setSplit(String name, Map<Long, Integer> percents) {
        Entry e = entry(name);
        Map<Long, Integer> copy = new HashMap<>(percents);
        for (long v : copy.keySet()) {
            if (!e.versions().containsKey(v)) {
                if (store != null && store.versions(name).contains(v)) {
                    continue; // loaded by the refresh below
                }
                throw HttpError.notFound("Model '" + name + "' has no version " + v + "; versions: "
                        + (store != null ? store.versions(name) : e.versions().keySet()));
            }
        }
        traffic(name).setSplit(copy);
        if (store != null) {
            refresh(name);
        }
    }

    /** Every loaded version of every model. */
    List<ServedModel> served() {
        List<ServedModel> all = new ArrayList<>();
        models.values().forEach(e -> all.addAll(e.versions().values()));
        return all;
    }

    /** True when some loaded version predicts through a dynamic batcher (and so blocks its caller). */
    boolean anyBatching() {
        for (Entry e : models.values()) {
            for (ServedModel m : e.versions().values()) {
                if (m.batches()) {
                    return true;
                }
            }
        }
        return false;
    }

    private String unknownModel(String name) {
        return "Unknown model '" + name + "'; this server serves " + models.keySet();
    }

    @Override
    public synchronized void close() {
        models.values().forEach(e -> e.versions().values().forEach(ServedModel::close));
        models = Map.of();
    }
}
