package pl.krakow.pulse.app;

import pl.krakow.pulse.testsupport.data.KrakowPm10Days2017Q1;

/**
 * The app tests' name for the shared PM10 daily-mean oracle of the bundled 2017-Q1 file
 * ({@link KrakowPm10Days2017Q1}: plain Java over the file, no project parser or windowing). It adds nothing: it only
 * keeps {@code Gios2017Q1.pm10Days()}, {@code Gios2017Q1.Day} and {@code Gios2017Q1.WARSAW} compiling in
 * {@code DashboardBrowserIT} and {@code PublishRealDataIT}, which are being rewritten on another branch; delete it once
 * they name the shared class themselves.
 */
final class Gios2017Q1 extends KrakowPm10Days2017Q1 {

    private Gios2017Q1() {
    }
}
