package io.kiln.runtime.internal.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file so that readers see the old content or the new, never a part: a temporary file in
 * the same folder ({@code .<name>.<pid>-<token>-<n>.tmp}, created readable: 0644 less what the umask
 * removes), flushed to disk, then renamed over the target. A killed write leaves the previous file
 * intact.
 *
 * <p>The token is random per process, so two processes with the same id (the JVM is process 1 in
 * every container) never reach for the same name, even in a shared folder; a name that exists all
 * the same is skipped. A temporary file that a killed writer left is removed by the next write of
 * the same file in another process, once it has not changed for {@link #STALE}.
 *
 * <p>{@link #writeAll} writes several files as one unit as far as a file system allows: every
 * temporary file is written and flushed first, and only then are they renamed, so a failure while
 * writing (a full disk) replaces none of them.
 *
 * <p>Cheap enough to call hundreds of times a second (batch scoring with {@code
 * --checkpoint-interval 0} commits a checkpoint after every chunk): the temporary name comes from
 * the process id, a token drawn once and a counter, not from {@link Files#createTempFile}'s secure
 * random numbers per file, and the permissions are given at creation.
 */
public final class AtomicFiles {
    /** How long a temporary file must have been left unchanged before another process removes it. */
    public static final Duration STALE = Duration.ofMinutes(15);

    private static final String PROCESS = ProcessHandle.current().pid() + "-"
            + Long.toString(new java.util.Random(System.nanoTime() ^ ProcessHandle.current().pid()).nextLong()
                    & 0xFFFFFFFFL, 36);
    private static final AtomicLong WRITES = new AtomicLong();
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();
    private static final Set<StandardOpenOption> CREATE = EnumSet.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
    private static final FileAttribute<?>[] READABLE = FileSystems.getDefault().supportedFileAttributeViews()
            .contains("posix") ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-r--r--"))} : new FileAttribute<?>[0];

    private AtomicFiles() {}

    /** What writes the content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path file, Content content) throws IOException {
        Map<Path, Content> one = new LinkedHashMap<>();
        one.put(file, content);
        writeAll(one);
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    /**
     * Writes every file's temporary copy and flushes it, then renames them over their targets in
     * the map's order (put the file that readers look for first, such as a model beside its
     * reports, last). If any write fails, no target is replaced.
     */
    public static void writeAll(Map<Path, Content> files) throws IOException {
        Map<Path, Path> temps = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, Content> e : files.entrySet()) {
                Path target = e.getKey().toAbsolutePath();
                Path folder = target.getParent();
                if (!Files.isDirectory(folder)) {
                    Files.createDirectories(folder);
                }
                sweep(target);
                FileChannel created = create(target, temps);
                try (FileChannel channel = created) {
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                    e.getValue().writeTo(out);
                    out.flush();
                    channel.force(true);
                } catch (IOException failure) {
                    throw new IOException("Cannot write " + target + " (nothing was replaced): " + failure.getMessage(),
                            failure);
                }
            }
            for (Map.Entry<Path, Path> e : temps.entrySet()) {
                Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            for (Path tmp : temps.values()) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * A new temporary file beside {@code target}, open for writing, skipping names that exist; its
     * path is recorded in {@code temps} under the target.
     */
    private static FileChannel create(Path target, Map<Path, Path> temps) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = temporaryName(target, WRITES.incrementAndGet());
            try {
                FileChannel channel = FileChannel.open(tmp, CREATE, READABLE);
                temps.put(target, tmp);
                return channel;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** Deletes a folder and everything in it (or a file); what cannot be deleted is left. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The temporary name the next write of {@code target} tries first (for tests). */
    static Path nextTemporaryName(Path target) {
        return temporaryName(target.toAbsolutePath(), WRITES.get() + 1);
    }

    static Path temporaryName(Path target, long n) {
        return target.resolveSibling("." + target.getFileName() + "." + PROCESS + "-" + n + ".tmp");
    }

    /**
     * Once per target and process: removes temporary files of {@code target} that no write has
     * touched for {@link #STALE} (left by a killed writer). Failing to remove one is not an error.
     */
    private static void sweep(Path target) {
        if (!SWEPT.add(target)) {
            return;
        }
        String prefix = "." + target.getFileName() + ".";
        long before = System.currentTimeMillis() - STALE.toMillis();
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(target.getParent(),
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))) {
            for (Path stale : siblings) {
                try {
                    if (Files.getLastModifiedTime(stale).toMillis() < before) {
                        Files.deleteIfExists(stale);
                    }
                } catch (IOException e) {
                    // another process removed it, or it cannot be removed: leave it
                }
            }
        } catch (IOException e) {
            // the folder cannot be listed: nothing to sweep
        }
    }
}
