package pl.krakow.pulse.ingest.mobility;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One polled mobility source as configured: its id (a GTFS-Realtime feed id or a GBFS system id) and the
 * URLs polled for it (one for GTFS-Realtime; station information then station status for GBFS). Parsed
 * once from {@code mobility.gtfsrt.urls} / {@code mobility.gbfs.urls}, so a malformed entry fails at
 * start-up, naming the key, rather than when polling begins.
 */
public record PolledFeedUrls(String id, List<URI> urls) {

    public PolledFeedUrls {
        urls = List.copyOf(urls);
    }

    /** {@code id=url,id=url} (blank = none). */
    public static List<PolledFeedUrls> parseGtfsRealtime(String text) {
        return parse(text, false);
    }

    /** {@code id=url|url,id=url|url} (blank = none). */
    public static List<PolledFeedUrls> parseGbfs(String text) {
        return parse(text, true);
    }

    /** The configuration form {@link #parseGtfsRealtime} and {@link #parseGbfs} read. */
    public static String format(List<PolledFeedUrls> feeds) {
        return feeds.stream()
                .map(f -> f.id() + "=" + f.urls().stream().map(URI::toString).collect(Collectors.joining("|")))
                .collect(Collectors.joining(","));
    }

    private static List<PolledFeedUrls> parse(String text, boolean severalUrls) {
        List<PolledFeedUrls> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (s.isBlank()) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected id=url, got '" + s.trim() + "'");
            }
            List<URI> urls = new ArrayList<>();
            String rest = s.substring(eq + 1);
            for (String u : severalUrls ? rest.split("\\|") : new String[] {rest}) {
                urls.add(URI.create(u.trim()));
            }
            out.add(new PolledFeedUrls(s.substring(0, eq).trim(), urls));
        }
        return List.copyOf(out);
    }
}
