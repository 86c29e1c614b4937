package pl.krakow.pulse.runtime.layerfixture;

import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;

/** Deliberately breaks the layer rule (runtime uses a domain): only {@code LayerRuleCatchesViolationsTest} imports it. */
public final class RuntimeUsesIndicators {
    Iv3EnvironmentTopology topology;
}
