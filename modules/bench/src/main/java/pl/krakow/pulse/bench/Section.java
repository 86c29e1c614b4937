package pl.krakow.pulse.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One section of the report: what was measured ({@code parameters}: sizes, rates, repetitions), the
 * figures, and notes that qualify them (e.g. "includes Streams start-up").
 *
 * @param id         stable machine name, e.g. {@code end-to-end}
 * @param title      what the table prints
 * @param parameters how it was measured
 * @param figures    the numbers
 * @param notes      qualifications, one sentence each
 */
public record Section(String id, String title, Map<String, Object> parameters, List<Figure> figures, List<String> notes) {

    public Section {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        figures = List.copyOf(figures);
        notes = List.copyOf(notes);
    }

    /** The figure called {@code name}; throws when there is none. */
    public Figure figure(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("section " + id + " has no figure '" + name + "'"));
    }
}
