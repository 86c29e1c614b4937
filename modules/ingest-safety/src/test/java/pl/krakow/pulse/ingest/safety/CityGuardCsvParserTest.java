package pl.krakow.pulse.ingest.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.ingest.ReasonCode;

class CityGuardCsvParserTest {

    private static final SafetyFormats.CityGuard FORMAT = new SafetyFormats.CityGuard();
    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

    @Test
    void realRegisterGivesOneIncidentPerReportWithItsHandlingTime() {
        List<String> lines = SafetyTestData.lines(SafetyTestData.CITY_GUARD);
        Set<String> seen = new HashSet<>();
        String previous = null;
        int expectedIncidents = 0;
        int expectedDuplicates = 0;
        int expectedClosedBeforeRegistered = 0;
        long expectedHandlingSeconds = 0;
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = SafetyTestData.fields(line);
            String id = f.get(1);
            if (id.equals(previous)) {
                continue; // another outcome row of the same report
            }
            previous = id;
            if (!seen.add(id)) {
                expectedDuplicates++;
                continue;
            }
            LocalDateTime registered = LocalDateTime.parse(f.get(0).replace(' ', 'T'));
            LocalDateTime closed = LocalDateTime.parse(f.get(7).replace(' ', 'T'));
            if (closed.isBefore(registered)) {
                expectedClosedBeforeRegistered++;
                continue;
            }
            expectedIncidents++;
            expectedHandlingSeconds += Duration.between(registered.atZone(WARSAW), closed.atZone(WARSAW)).toSeconds();
        }

        ParseResults r = ParseResults.parse(FORMAT, SafetyTestData.open(SafetyTestData.CITY_GUARD), "smw.csv");

        assertThat(r.incidents()).hasSize(expectedIncidents);
        assertThat(r.rejected()).filteredOn(x -> x.reason() == ReasonCode.DUPLICATE).hasSize(expectedDuplicates);
        assertThat(r.rejected()).filteredOn(x -> x.reason() == ReasonCode.OUT_OF_RANGE).hasSize(expectedClosedBeforeRegistered);
        assertThat(r.rejected()).hasSize(expectedDuplicates + expectedClosedBeforeRegistered);
        long handling = r.incidents().stream()
                .mapToLong(i -> Duration.between(i.getReportedAt(), i.getClosedAt()).toSeconds()).sum();
        assertThat(handling).isEqualTo(expectedHandlingSeconds);
        // no point, only a street address, and the register is Wrocław's: every incident counts for Wrocław, never Kraków
        assertThat(r.incidents()).allSatisfy(i -> {
            assertThat(i.getScope()).isEqualTo("city:wroclaw");
            assertThat(i.getLocation()).isNull();
            assertThat(i.getFeed()).isEqualTo("cityguard-csv");
        });
        // shifted rows never leave a number in the type or an address in it
        assertThat(r.incidents()).allSatisfy(i -> assertThat(i.getSourceType()).doesNotMatch("\\d+").doesNotEndWith("/"));
        System.out.printf("City guard: %d incidents, %d duplicate reports, %d closed before registered%n",
                expectedIncidents, expectedDuplicates, expectedClosedBeforeRegistered);
    }

    @Test
    void shiftedOutcomeColumnIsReadAsFineAmount() throws Exception {
        CityGuardRow row = CityGuardRow.decode(SafetyTestData.fields(
                "2018-05-10 00:28:42,INT-19533/18,parkowanie pojazdów za B-36,NIEPRAWIDŁOWE PARKOWANIE,ZAKŁADOWA 9H/,100,,2018-05-10 02:10:55"));
        assertThat(row.shifted()).isTrue();
        assertThat(row.outcome()).isNull();
        assertThat(row.fineZloty()).isEqualTo(100);
        assertThat(row.type()).isEqualTo("NIEPRAWIDŁOWE PARKOWANIE");
        assertThat(row.address()).isEqualTo("ZAKŁADOWA 9H/");
    }

    @Test
    void shiftedRowWithoutDescriptionIsMovedBack() throws Exception {
        // line 861 of the real register: the empty description moved every later cell one column left
        CityGuardRow row = CityGuardRow.decode(SafetyTestData.fields(
                "2018-05-29 08:45:00,INT-22281/18,NIEPRAWIDŁOWE PARKOWANIE,WEIGLA RUDOLFA /,LAWETA,100,,2018-05-29 13:16:20"));
        assertThat(row.shifted()).isTrue();
        assertThat(row.description()).isNull();
        assertThat(row.type()).isEqualTo("NIEPRAWIDŁOWE PARKOWANIE");
        assertThat(row.address()).isEqualTo("WEIGLA RUDOLFA /");
        assertThat(row.outcome()).isEqualTo("LAWETA");
        assertThat(row.fineZloty()).isEqualTo(100);
    }

    @Test
    void unshiftedRowKeepsItsColumns() throws Exception {
        CityGuardRow row = CityGuardRow.decode(SafetyTestData.fields(
                "2018-06-04 17:35:00,INT-1/18,opis,HANDEL,RYNEK RATUSZ /,MANDAT,200,2018-06-04 18:25:21"));
        assertThat(row.shifted()).isFalse();
        assertThat(row.outcome()).isEqualTo("MANDAT");
        assertThat(row.fineZloty()).isEqualTo(200);
        assertThat(row.registeredAt()).isEqualTo(Instant.parse("2018-06-04T15:35:00Z"));
    }

    @Test
    void closedBeforeRegisteredIsOutOfRange() {
        ParseResults r = ParseResults.parse(FORMAT, String.join(",", CityGuardRow.HEADER) + "\n"
                + "2018-06-04 17:35:00,INT-22988/18,W DNIU 01.06.2018R ZAUWAŻONO HANDEL BALONAMI,HANDEL,RYNEK RATUSZ /,MANDAT,200,2018-06-04 06:25:21\n");
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(ReasonCode.OUT_OF_RANGE);
            assertThat(x.message()).contains("before the registration");
        });
    }

    @Test
    void rowWithUnreadableRegistrationTimeIsMalformed() {
        ParseResults r = ParseResults.parse(FORMAT, String.join(",", CityGuardRow.HEADER) + "\n"
                + "10.05.2018 00:28,INT-1/18,x,HANDEL,RYNEK /,MANDAT,200,2018-05-10 02:10:55\n"
                + "2018-05-10 00:28:42,INT-2/18,x,HANDEL,RYNEK /,MANDAT,200,2018-05-10 02:10:55\n");
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(ReasonCode.MALFORMED);
            assertThat(x.message()).contains("Data Godzina");
        });
        assertThat(r.incidents()).extracting(Incident::getSourceRecordId).containsExactly("INT-2/18");
    }

    /**
     * The shared RFC 4180 rule ({@code Csv}): the safety splitter used to open and close quoting at any quote, so
     * {@code BALONY "X"} read as {@code BALONY X}; a quote inside an unquoted field now makes the row MALFORMED,
     * while a quoted field with escaped quotes and commas is read as before.
     */
    @Test
    void quotesInsideAnUnquotedFieldAreMalformed() {
        ParseResults r = ParseResults.parse(FORMAT, String.join(",", CityGuardRow.HEADER) + "\n"
                + "2018-05-10 00:28:42,INT-1/18,BALONY \"X\",HANDEL,RYNEK /,MANDAT,200,2018-05-10 02:10:55\n"
                + "2018-05-10 00:28:42,INT-2/18,\"BALONY \"\"X\"\", RYNEK\",HANDEL,RYNEK /,MANDAT,200,2018-05-10 02:10:55\n");
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(ReasonCode.MALFORMED);
            assertThat(x.message()).isEqualTo("stray quote in unquoted field 3");
        });
        assertThat(r.incidents()).extracting(Incident::getSourceRecordId).containsExactly("INT-2/18");
    }
}
