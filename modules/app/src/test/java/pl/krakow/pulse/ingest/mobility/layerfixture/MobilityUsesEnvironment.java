package pl.krakow.pulse.ingest.mobility.layerfixture;

import pl.krakow.pulse.ingest.environment.BundledData;

/** Deliberately breaks the layer rule (one ingest feed uses another): only {@code LayerRuleCatchesViolationsTest} imports it. */
public final class MobilityUsesEnvironment {
    BundledData data;
}
