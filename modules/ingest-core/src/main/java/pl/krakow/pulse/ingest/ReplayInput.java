package pl.krakow.pulse.ingest;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One recorded input of a replay: a name (what source ids and reports call it, e.g. the file name)
 * and a way to open its bytes — a file, or a class-path resource such as the bundled data.
 *
 * @param name   the name used in source ids ({@code name:line})
 * @param opener opens a fresh stream each time it is called
 */
public record ReplayInput(String name, Opener opener) {

    /** Opens the input's bytes. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    public ReplayInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opener, "opener");
    }

    public InputStream open() throws IOException {
        return opener.open();
    }

    /** A file, named by its file name. */
    public static ReplayInput of(Path file) {
        return new ReplayInput(file.getFileName().toString(), () -> Files.newInputStream(file));
    }

    /** A class-path resource (works inside a jar), named by its last path segment. */
    public static ReplayInput ofResource(ClassLoader loader, String resource) {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        return new ReplayInput(name, () -> {
            InputStream in = loader.getResourceAsStream(resource);
            if (in == null) {
                throw new FileNotFoundException("class-path resource not found: " + resource);
            }
            return in;
        });
    }

    /**
     * Files and folders as given on a command line: a file stays as it is, a folder contributes its
     * regular files (not recursively, sorted by name, hidden files skipped). A path that does not
     * exist is kept, so the replay reports it as unreadable instead of silently skipping it.
     */
    public static List<ReplayInput> expand(List<Path> paths) {
        List<ReplayInput> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    files.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted()
                            .forEach(f -> out.add(of(f)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p, e);
                }
            } else {
                out.add(of(p));
            }
        }
        return out;
    }
}
