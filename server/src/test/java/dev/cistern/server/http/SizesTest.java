package dev.cistern.server.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {

    @Test
    void parsesBinarySuffixes() {
        assertThat(Sizes.parse("quota", "1048576")).isEqualTo(1048576);
        assertThat(Sizes.parse("quota", "512M")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("quota", "100G")).isEqualTo(100L << 30);
        assertThat(Sizes.parse("quota", "1.5t")).isEqualTo(3L << 39);
        assertThat(Sizes.parse("quota", "64KiB")).isEqualTo(64 << 10);
        assertThat(Sizes.parse("quota", "2 GB")).isEqualTo(2L << 30);
    }

    @Test
    void refusesWhatIsNotASizeNamingTheField() {
        assertThatThrownBy(() -> Sizes.parse("quota", "ten gigs"))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("invalid quota 'ten gigs': use a byte count");
        assertThatThrownBy(() -> Sizes.parse("quota", "-5G")).hasMessageStartingWith("invalid quota '-5G'");
        assertThatThrownBy(() -> Sizes.parse("quota", "1.5")).hasMessageContaining("must be whole");
        assertThatThrownBy(() -> Sizes.parse("quota", "9E")).hasMessageContaining("larger than 8 EiB");
        assertThatThrownBy(() -> Sizes.parseInt("chunking max", "4G")).hasMessageContaining("too large");
    }
}
