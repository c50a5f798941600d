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
    /** A model's loaded versions, newest last, and the reason the last load failed (or null). */
    record Entry(String name, NavigableMap<Long, ServedModel> versions, String error) {
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
            next.put(name, new Entry(name, Collections.unmodifiableNavigableMap(v), null));
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
        }
        return changed;
    }

    /**
     * Loads the newest versions of one model from the store (and any version its split names).
     * Returns whether anything changed. A version that fails to load is reported and skipped; the
     * versions already serving stay.
     */
    synchronized boolean refresh(String name) {
        if (store == null) {
            throw new HttpError(400, "This server serves model files, not a store; restart it with --store DIR");
        }
        List<Long> available = store.versions(name);
        if (available.isEmpty()) {
            throw HttpError.notFound("The store " + store.root() + " has no versions of model '" + name + "'");
        }
        Entry old = models.get(name);
        NavigableMap<Long, ServedModel> current = old == null ? new TreeMap<>() : old.versions();
        java.util.TreeSet<Long> wanted = new java.util.TreeSet<>(
                available.subList(Math.max(0, available.size() - config.keepVersions()), available.size()));
        Traffic t = traffic.get(name);
        if (t != null) {
            t.split().keySet().stream().filter(available::contains).forEach(wanted::add);
        }
        TreeMap<Long, ServedModel> next = new TreeMap<>();
        List<ServedModel> retired = new ArrayList<>();
        String error = null;
        for (long v : wanted) {
            ServedModel loaded = current.get(v);
            if (loaded == null) {
                Path file = store.file(name, v);
                try {
                    KilnModel m = KilnModel.load(file);
                    if (!m.metadata().name().equals(name)) {
                        throw new IOException("it holds model '" + m.metadata().name() + "', not '" + name + "'");
                    }
                    loaded = new ServedModel(name, v, m, file, config, metrics);
                    log.accept("loaded " + name + " version " + v + " from " + file);
                } catch (IOException | RuntimeException e) {
                    error = "version " + v + " failed to load: " + e.getMessage();
                    log.accept("error: " + name + " " + error);
                    continue;
                }
            }
            next.put(v, loaded);
        }
        for (Map.Entry<Long, ServedModel> e : current.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                retired.add(e.getValue());
            }
        }
        boolean changed = old == null || !old.versions().keySet().equals(next.keySet());
        Map<String, Entry> all = new TreeMap<>(models);
        all.put(name, new Entry(name, Collections.unmodifiableNavigableMap(next), error));
        models = Collections.unmodifiableMap(all);
        retired.forEach(ServedModel::close);
        return changed;
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
