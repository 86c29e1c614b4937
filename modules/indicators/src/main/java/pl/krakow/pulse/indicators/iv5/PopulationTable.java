package pl.krakow.pulse.indicators.iv5;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import pl.krakow.pulse.platform.catalog.Scopes;

/**
 * Residents per scope ({@code city:krakow}, {@code district:<I-XVIII>}, or another {@code city:<id>} a table
 * names) and year: the denominators of the IV.5 rates per 100 000 residents.
 *
 * <p>A year without its own figure uses the latest earlier year's figure (else the earliest one): population
 * changes by well under 1 % a year, far less than the year-to-year noise of accident counts.
 * The built-in Kraków default holds the city total only — 800 653 residents (GUS, National Census 2021,
 * 31 March 2021) and about 806 200 (GUS, end of 2023) — so city rates always work and <b>district rates are
 * computed only when a table with district figures is configured</b> ({@code safety.population.file}); no
 * per-district figure is invented. Other cities (e.g. {@code city:wroclaw}) have no built-in figure, so their
 * incidents are counted but not rated; a region ({@code region:<id>}) never has a population: events outside the
 * city are not rated. Immutable and thread-safe.
 */
public final class PopulationTable {

    /** One figure and where it comes from. */
    public record Figure(long residents, String source) {
    }

    private final Map<String, TreeMap<Integer, Figure>> byScope;

    private PopulationTable(Map<String, TreeMap<Integer, Figure>> byScope) {
        this.byScope = byScope;
    }

    /** Kraków's city totals (GUS): 2021 census 800 653; end of 2023 about 806 200. No district figures. */
    public static PopulationTable krakowDefault() {
        Map<String, TreeMap<Integer, Figure>> m = new HashMap<>();
        TreeMap<Integer, Figure> city = new TreeMap<>();
        city.put(2021, new Figure(800_653, "GUS, Narodowy Spis Powszechny 2021 (census, 31 March 2021)"));
        city.put(2023, new Figure(806_200, "GUS, population at the end of 2023 (approx.)"));
        m.put(Scopes.KRAKOW_CITY, city);
        return new PopulationTable(m);
    }

    /**
     * The Kraków default overlaid with a CSV file: header {@code scope,year,residents,source}, one figure per line,
     * e.g. {@code district:I,2023,58000,GUS BDL}. A file's scope replaces the default's figures of that scope; a bare
     * {@code city} (tables written before scopes named their city) is {@code city:krakow}.
     *
     * @throws IllegalArgumentException naming the line of a malformed row
     */
    public static PopulationTable krakowWith(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the population table " + csv, e);
        }
        Map<String, TreeMap<Integer, Figure>> fromFile = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.toLowerCase(java.util.Locale.ROOT).startsWith("scope,"))) {
                continue;
            }
            String[] f = line.split(",", 4);
            try {
                String scope = f[0].strip();
                if (scope.equals("city")) {
                    scope = Scopes.KRAKOW_CITY; // tables written before scopes named their city: they were Kraków's
                }
                if (!scope.matches("city:[a-z0-9][a-z0-9-]*") && !scope.matches("district:[IVX]+")) {
                    throw new IllegalArgumentException("scope must be city:<id> (e.g. city:krakow) or district:<I-XVIII>: " + scope);
                }
                long residents = Long.parseLong(f[2].strip());
                if (residents <= 0) {
                    throw new IllegalArgumentException("residents must be positive: " + residents);
                }
                fromFile.computeIfAbsent(scope, s -> new TreeMap<>())
                        .put(Integer.parseInt(f[1].strip()), new Figure(residents, f.length > 3 ? f[3].strip() : csv.getFileName().toString()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(csv + ":" + (i + 1) + ": expected scope,year,residents,source: " + e.getMessage(), e);
            }
        }
        Map<String, TreeMap<Integer, Figure>> merged = new HashMap<>(krakowDefault().byScope);
        merged.putAll(fromFile);
        return new PopulationTable(merged);
    }

    /** Residents of {@code scope} for {@code year}, or empty when the table has no figure for the scope. */
    public Optional<Figure> residents(String scope, int year) {
        TreeMap<Integer, Figure> years = byScope.get(Objects.requireNonNull(scope));
        if (years == null || years.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<Integer, Figure> e = years.floorEntry(year);
        return Optional.of((e != null ? e : years.firstEntry()).getValue());
    }
}
