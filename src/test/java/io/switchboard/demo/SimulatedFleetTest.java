package io.switchboard.demo;

import io.switchboard.time.Ticker;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedFleetTest {

    private static final LatencyProfile FAST = LatencyProfile.ofMillis(2, 10);

    private static SimulatedFleet startFleet(int basePort) {
        return SimulatedFleet.start(basePort, FAST, FAST, new SplittableRandom(1), Ticker.system());
    }

    @Test
    void startsOneStrategicAndFourTacticalWorkersThatAnswerWork() throws Exception {
        try (SimulatedFleet fleet = startFleet(SimulatedFleet.EPHEMERAL);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {

            assertThat(fleet.workers()).extracting(SimulatedWorker::id)
                    .containsExactly("opus-1", "sonnet-1", "sonnet-2", "sonnet-3", "sonnet-4");
            assertThat(fleet.strategic()).extracting(SimulatedWorker::model).containsExactly("opus");
            assertThat(fleet.tactical()).extracting(SimulatedWorker::model).containsOnly("sonnet").hasSize(4);
            assertThat(fleet.workers()).extracting(SimulatedWorker::port).doesNotHaveDuplicates().allMatch(p -> p > 0);
            assertThat(fleet.worker("sonnet-3")).hasValueSatisfying(
                    w -> assertThat(w.url()).hasToString("http://127.0.0.1:" + w.port() + "/work"));

            for (SimulatedWorker worker : fleet.workers()) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(worker.url())
                                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hello\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("\"worker\":\"" + worker.id() + "\"");
            }
        }
    }

    @Test
    void rejectsABasePortThatLeavesNoRoomForTheTacticalWorkers() {
        assertThatThrownBy(() -> SimulatedFleet.start(65_500))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base+104")
                .hasMessageContaining("65500");
    }

    @Test
    void aPortInUseFailsWithAMessageNamingThePortAndWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> startFleet(port - 1))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("already in use")
                    .hasMessageContaining("opus-1")
                    .hasMessageContaining("lsof -i :" + port);
        }
    }

    @Test
    void closeStopsEveryWorker() throws Exception {
        SimulatedFleet fleet = startFleet(SimulatedFleet.EPHEMERAL);
        URI health = URI.create("http://127.0.0.1:" + fleet.tactical().get(0).port() + "/health");

        fleet.close();

        try (HttpClient client = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(health).build(),
                    HttpResponse.BodyHandlers.discarding())).isInstanceOf(java.io.IOException.class);
        }
    }
}
