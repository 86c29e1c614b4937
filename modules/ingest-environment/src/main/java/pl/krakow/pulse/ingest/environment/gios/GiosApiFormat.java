package pl.krakow.pulse.ingest.environment.gios;

import java.util.Locale;

/**
 * The two JSON dialects of GIOŚ's {@code pjp-api} (Państwowy Monitoring Środowiska).
 *
 * <ul>
 *   <li>{@link #V1} — the current API under {@code /pjp-api/v1/rest}: JSON-LD objects with Polish keys,
 *       lists paginated with {@code ?page=N&size=M} and {@code totalPages}.</li>
 *   <li>{@link #LEGACY} — the retired API under {@code /pjp-api/rest}: plain JSON arrays and objects with
 *       English keys ({@code stationName}, {@code param.paramCode}, {@code values[].date}), no pagination.</li>
 * </ul>
 * Both serve the same resources at the same relative paths: {@code station/findAll},
 * {@code station/sensors/{stationId}}, {@code data/getData/{sensorId}}.
 */
public enum GiosApiFormat {
    V1,
    LEGACY;

    /** {@code v1} or {@code legacy}, any case. */
    public static GiosApiFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "v1" -> V1;
            case "legacy" -> LEGACY;
            default -> throw new IllegalArgumentException("GIOŚ API format must be v1 or legacy: " + text);
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
