package pl.krakow.pulse.app;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which parts of Kraków Pulse a process runs: {@code pulse run} runs all of them on one JVM (with the embedded platform
 * unless a cluster is configured); {@code pulse ingest}, {@code pulse indicators}, {@code pulse alerting} and
 * {@code pulse publish} run one each against a cluster, as separate, separately scaled services. Indicators can be
 * narrowed to some goals ({@code --goal IV.3}): each goal is its own Streams application with its own group, so
 * instances of different goals share nothing.
 *
 * @param parts the components
 * @param goals the indicator goals run when {@code parts} has {@link Part#INDICATORS}; empty otherwise
 */
public record Components(Set<Part> parts, Set<Goal> goals) {

    /** A component: what one {@code pulse} sub-command runs. */
    public enum Part {
        /** Every feed: replays, pollers, push endpoints, the simulator, reference data. */
        INGEST,
        /** The indicator Streams applications (per goal). */
        INDICATORS,
        /** The alerting Streams application and its notifiers. */
        ALERTING,
        /** The read side: read models, the HTTP API, the dashboard, exports. */
        PUBLISH;

        String command() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The operational goals with an indicator application. */
    public enum Goal {
        IV3("IV.3"), IV4("IV.4"), IV5("IV.5");

        private final String id;

        Goal(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** {@code IV.3}, {@code iv3}, {@code iv.3} → IV3; {@code all} is handled by {@link #parse}. */
        static Goal of(String text) {
            String t = text.trim().toUpperCase(Locale.ROOT).replace(".", "");
            for (Goal g : values()) {
                if (g.name().equals(t)) {
                    return g;
                }
            }
            throw new IllegalArgumentException("unknown goal '" + text + "'; known: IV.3, IV.4, IV.5, all");
        }

        /** Comma-separated and repeated {@code --goal} values; none or {@code all} = every goal. */
        static Set<Goal> parse(List<String> values) {
            Set<Goal> goals = new LinkedHashSet<>();
            for (String value : values) {
                for (String part : value.split(",")) {
                    if (part.isBlank()) {
                        continue;
                    }
                    if (part.trim().equalsIgnoreCase("all")) {
                        goals.addAll(EnumSet.allOf(Goal.class));
                    } else {
                        goals.add(of(part));
                    }
                }
            }
            return goals.isEmpty() ? EnumSet.allOf(Goal.class) : EnumSet.copyOf(goals);
        }
    }

    public Components {
        parts = parts.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(parts));
        goals = parts.contains(Part.INDICATORS) && !goals.isEmpty() ? Set.copyOf(EnumSet.copyOf(goals)) : Set.of();
    }

    /** Everything: {@code pulse run}. */
    public static Components all() {
        return new Components(EnumSet.allOf(Part.class), EnumSet.allOf(Goal.class));
    }

    public static Components only(Part part) {
        return new Components(EnumSet.of(part), part == Part.INDICATORS ? EnumSet.allOf(Goal.class) : Set.of());
    }

    public static Components indicators(Set<Goal> goals) {
        return new Components(EnumSet.of(Part.INDICATORS), goals);
    }

    public boolean has(Part part) {
        return parts.contains(part);
    }

    public boolean has(Goal goal) {
        return goals.contains(goal);
    }

    /** Whether this is all of Kraków Pulse ({@code pulse run}). */
    public boolean isAll() {
        return parts.size() == Part.values().length && goals.size() == Goal.values().length;
    }

    /** Whether any part runs a Streams application (and so needs the hanging-transaction sweep first). */
    boolean runsStreams() {
        return has(Part.INDICATORS) || has(Part.ALERTING);
    }

    /** {@code run}, {@code ingest}, {@code indicators IV.3,IV.4}: how the console and logs name this process. */
    public String describe() {
        if (isAll()) {
            return "run";
        }
        return parts.stream().sorted().map(p -> p == Part.INDICATORS && goals.size() < Goal.values().length
                ? p.command() + " " + goals.stream().sorted().map(Goal::id).collect(Collectors.joining(","))
                : p.command()).collect(Collectors.joining("+"));
    }
}
