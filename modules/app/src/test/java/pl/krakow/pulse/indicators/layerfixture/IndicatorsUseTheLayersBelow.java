package pl.krakow.pulse.indicators.layerfixture;

import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.service.Service;

/** Keeps to the layer rule (a domain uses events, platform and runtime): {@code LayerRuleCatchesViolationsTest} expects no violation from it. */
public final class IndicatorsUseTheLayersBelow {
    IndicatorValue value;
    Topics topics;
    Service service;
}
