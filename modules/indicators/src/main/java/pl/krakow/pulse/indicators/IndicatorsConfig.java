package pl.krakow.pulse.indicators;

import java.util.List;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys of the indicator topologies beyond the shared Streams ones ({@code RuntimeConfig}): the population
 * table the IV.5 rates per 100 000 divide by.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class IndicatorsConfig {

    private IndicatorsConfig() {
    }

    public static final ConfigKey<String> POPULATION_FILE = ConfigKey.string("safety.population.file", "safety", "",
            "CSV scope,year,residents,source with residents per district (district:I..XVIII) and/or city and year for the IV.5 "
                    + "rates per 100 000. Empty = Kraków city totals only (GUS: 800 653 at the 2021 census, ~806 200 end of 2023): "
                    + "district rates are then not computed.");

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(POPULATION_FILE);

}
