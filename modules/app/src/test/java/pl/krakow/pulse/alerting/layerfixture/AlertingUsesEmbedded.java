package pl.krakow.pulse.alerting.layerfixture;

import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;

/** Deliberately breaks the layer rule (a domain's main code uses the embedded platform): only {@code LayerRuleCatchesViolationsTest} imports it. */
public final class AlertingUsesEmbedded {
    EmbeddedKafkaBroker broker;
}
