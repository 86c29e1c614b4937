package pl.krakow.pulse.indicators.layerfixture;

import pl.krakow.pulse.alerting.AlertingService;

/** Deliberately breaks the layer rule (a domain uses another domain): only {@code LayerRuleCatchesViolationsTest} imports it. */
public final class IndicatorsUseAlerting {
    AlertingService alerting;
}
