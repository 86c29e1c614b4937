package pl.krakow.pulse.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerTokensTest {

    @Test
    void configurationFormNamesTheClientBeforeTheFirstColon() {
        BearerTokens tokens = BearerTokens.parse("station-a:s3cret, lcs-network:tok:with:colons");
        assertThat(tokens.size()).isEqualTo(2);
        assertThat(tokens.authenticate("Bearer s3cret")).contains("station-a");
        assertThat(tokens.authenticate("Bearer tok:with:colons")).contains("lcs-network");
        assertThat(tokens.authenticate("Bearer wrong")).isEmpty();
    }

    @Test
    void blankMeansNoTokensAndPrintingNeverShowsOne() {
        assertThat(BearerTokens.parse(" ").isEmpty()).isTrue();
        assertThat(BearerTokens.parse("").toString()).isEmpty();
        assertThat(BearerTokens.parse("station-a:s3cret").toString()).isEqualTo("1 token(s)").doesNotContain("s3cret");
    }

    @Test
    void pairWithoutClientOrTokenIsRejected() {
        assertThatThrownBy(() -> BearerTokens.parse("s3cret")).hasMessageContaining("client:token");
        assertThatThrownBy(() -> BearerTokens.parse(":s3cret")).hasMessageContaining("client:token");
        assertThatThrownBy(() -> BearerTokens.parse("station-a:")).hasMessageContaining("client:token");
    }
}
