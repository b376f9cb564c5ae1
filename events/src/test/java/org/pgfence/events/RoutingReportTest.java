package org.pgfence.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RoutingReportTest {

    @Test
    void theGoldenReportRoundTripsToTheSameJson() throws IOException {
        String json = EventJsonTest.golden("routing-report.v1.json");
        RoutingReport report = RoutingReport.fromJson(json);
        JsonNode expected = EventJson.mapper().readTree(json);
        assertThat(EventJson.mapper().readTree(report.toJson())).isEqualTo(expected);
        assertThat(report.cluster("lab").orElseThrow().serves(new Epoch(2, "7441234567890123456"))).isTrue();
        assertThat(report.cluster("other")).isEmpty();
    }

    @Test
    void aReportThatIsNotOneSaysWhatIsWrong() throws IOException {
        assertThatThrownBy(() -> RoutingReport.fromJson("[databases]\nappdb-rw = host=x\n"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("is not a routing report");
        String noHost = EventJsonTest.golden("routing-report.v1.json").replace("\"host\" : \"pgb1\",", "");
        assertThatThrownBy(() -> RoutingReport.fromJson(noHost))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("host");
        String noCluster = EventJsonTest.golden("routing-report.v1.json").replace("\"cluster\" : \"lab\",", "");
        assertThatThrownBy(() -> RoutingReport.fromJson(noCluster))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("routing.cluster");
    }
}
