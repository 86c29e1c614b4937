package pl.krakow.pulse.platform.topics;

/** Schema-registry compatibility levels, as named by the Confluent REST API. */
public enum Compatibility {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
}
