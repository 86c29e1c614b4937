package pl.krakow.pulse.runtime.streams.errors;

import java.util.Map;
import org.apache.kafka.common.Configurable;
import org.slf4j.Logger;

/**
 * What the three dead-letter handlers share: Kafka Streams instantiates each itself and passes it the
 * application's configuration, from which {@link #configure} takes the {@link DeadLetters} the application
 * put there (log-only until then); a rate-limited log so a flood of bad records cannot flood the log.
 */
abstract class DeadLetterHandler implements Configurable {

    protected final Logger logger;
    protected final RateLimitedLog log;
    protected DeadLetters deadLetters = DeadLetters.logOnly();

    protected DeadLetterHandler(Logger logger) {
        this.logger = logger;
        this.log = new RateLimitedLog(logger);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.from(configs);
    }
}
