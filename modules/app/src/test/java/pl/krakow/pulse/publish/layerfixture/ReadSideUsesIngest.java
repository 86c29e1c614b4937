package pl.krakow.pulse.publish.layerfixture;

import pl.krakow.pulse.ingest.EventPublisher;

/** Deliberately breaks the layer rule (a domain uses another domain): only {@code LayerRuleCatchesViolationsTest} imports it. */
public final class ReadSideUsesIngest {
    EventPublisher publisher;
}
