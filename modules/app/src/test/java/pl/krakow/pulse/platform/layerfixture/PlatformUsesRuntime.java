package pl.krakow.pulse.platform.layerfixture;

import pl.krakow.pulse.runtime.service.Service;

/** Deliberately breaks the layer rule (platform uses the layer above it): only {@code LayerRuleCatchesViolationsTest} imports it. */
public final class PlatformUsesRuntime {
    Service service;
}
