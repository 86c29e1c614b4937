package pl.krakow.pulse.ingest.safety;

import java.util.List;
import pl.krakow.pulse.events.safety.IncidentCategory;

/**
 * {@code cityguard-csv}: a city-guard register (see {@link CityGuardRow} for the layout and the shifted
 * columns). One incident per report: event and reported time = registration, {@code closedAt} = closing
 * (so closed − registered is the register's handling time), address kept, no coordinates. The layout is
 * Wrocław's (Straż Miejska Wrocławia), so by default every incident is Wrocław's: scope {@code city:wroclaw}
 * ({@link SafetyFormats.CityGuard}), never Kraków. The register lists a report once per outcome on
 * consecutive rows; the rows after the first are folded into the first (no second incident, no
 * rejection), while the same report id further down the file is a {@code DUPLICATE}. A closing time
 * before the registration is {@code OUT_OF_RANGE}.
 */
final class CityGuardCsvParser extends CsvIncidentParser {

    static final String FEED = "cityguard-csv";

    private String previousReportId;

    CityGuardCsvParser(IncidentFactory factory) {
        super(factory, CityGuardRow.HEADER);
    }

    @Override
    IncidentFactory.Candidate decode(List<String> fields) throws RowException {
        CityGuardRow row = CityGuardRow.decode(fields);
        if (row.reportId().equals(previousReportId)) {
            return null;
        }
        previousReportId = row.reportId();
        IncidentCategory category = row.category();
        return new IncidentFactory.Candidate(row.reportId(), category, row.type(), null, 0, 0, null, row.address(),
                row.registeredAt(), row.registeredAt(), null, row.closedAt(), null);
    }
}
