package pl.krakow.pulse.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The registry of input formats: name → {@link FeedFormat}, sorted by name.
 *
 * <p>Formats are found with {@link #discover()}, which asks {@link ServiceLoader} for every
 * {@link FeedFormat} on the class path: a feed module registers its formats by listing their classes
 * in {@code META-INF/services/pl.krakow.pulse.ingest.FeedFormat}, and putting the module on the class
 * path is all the CLI needs. {@link #of} builds a registry from explicit instances (tests, tools).
 * Immutable and thread-safe.
 */
public final class FeedFormats {

    private final Map<String, FeedFormat> byName;

    private FeedFormats(Collection<? extends FeedFormat> formats) {
        Map<String, FeedFormat> map = new TreeMap<>();
        for (FeedFormat f : formats) {
            Objects.requireNonNull(f, "format");
            FeedFormat previous = map.putIfAbsent(f.name(), f);
            if (previous != null && previous.getClass() != f.getClass()) {
                throw new IllegalStateException("two feed formats are named '" + f.name() + "': "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        this.byName = java.util.Collections.unmodifiableMap(map);
    }

    /** Every format registered for {@link ServiceLoader} with the context class loader (or this class's). */
    public static FeedFormats discover() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return discover(loader != null ? loader : FeedFormats.class.getClassLoader());
    }

    /** Every format registered for {@link ServiceLoader} with {@code loader}. */
    public static FeedFormats discover(ClassLoader loader) {
        List<FeedFormat> found = new ArrayList<>();
        ServiceLoader.load(FeedFormat.class, loader).forEach(found::add);
        return new FeedFormats(found);
    }

    /** A registry of exactly these formats. */
    public static FeedFormats of(FeedFormat... formats) {
        return new FeedFormats(List.of(formats));
    }

    /** This registry plus {@code more}; a name clash between different classes is an error. */
    public FeedFormats with(FeedFormat... more) {
        List<FeedFormat> all = new ArrayList<>(byName.values());
        all.addAll(List.of(more));
        return new FeedFormats(all);
    }

    /**
     * The format called {@code name}.
     *
     * @throws IllegalArgumentException naming the available formats when there is none by that name
     */
    public FeedFormat get(String name) {
        FeedFormat f = byName.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown source format '" + name + "'; available: "
                    + (byName.isEmpty() ? "none (is an ingest-* module on the class path?)" : String.join(", ", byName.keySet())));
        }
        return f;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The names, sorted. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The formats, sorted by name. */
    public List<FeedFormat> all() {
        return List.copyOf(byName.values());
    }

    /** {@code name  description} lines for {@code --list-sources}. */
    public String describe() {
        int width = byName.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (FeedFormat f : byName.values()) {
            sb.append(String.format(java.util.Locale.ROOT, "%-" + Math.max(width, 1) + "s  %s -> %s%n",
                    f.name(), f.description(), f.topic().name()));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "FeedFormats" + byName.keySet();
    }
}
