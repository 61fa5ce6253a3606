package io.inferencegraph.hub;

import io.inferencegraph.hub.HubException.Kind;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Hub that cannot be reached: a complete snapshot in the cache is used, with one note; a miss still fails. */
class HubUnreachableTest extends HubFixture {

  private HubClient client(URI endpoint, RecordingProgress progress) {
    return new HubClient(new HubSettings(endpoint, Optional.empty(), cache, false), progress,
        new Retry.Policy(3, Duration.ofMillis(100), Duration.ofSeconds(1), waits::add), Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("a Hub that refuses connections: the cached snapshot of the revision, after the retries, with one note")
  void stoppedHub() throws Exception {
    Snapshot pulled = client().pull(TINY, MODEL);
    URI endpoint = hub.endpoint();
    hub.close();
    RecordingProgress progress = new RecordingProgress();

    Snapshot again = client(endpoint, progress).pull(TINY, MODEL);

    assertThat(again).isEqualTo(pulled);
    assertThat(waits).hasSize(2);
    assertThat(progress.events).singleElement().asString().startsWith("note the Hub could not be reached (listing "
        + "acme/tiny at " + endpoint + " failed after 3 tries: ConnectException").endsWith("); using acme/tiny from "
        + "the cache: " + pulled.dir());
  }

  @Test
  @DisplayName("a Hub that answers 503 past the retries: the cached snapshot, with one note naming the status")
  void unavailableHub() {
    Snapshot pulled = client().pull(TINY, MODEL);
    hub.unavailable("/api/models/acme/tiny/revision/main", 100);
    RecordingProgress progress = new RecordingProgress();

    Snapshot again = client(hub.endpoint(), progress).pull(TINY, MODEL);

    assertThat(again).isEqualTo(pulled);
    assertThat(progress.events).singleElement().asString().contains("failed after 3 tries: the server answered HTTP 503");
  }

  @Test
  @DisplayName("an unreachable Hub and a cache miss (none, or a snapshot missing a file) fail with NETWORK, saying both")
  void cacheMiss() throws Exception {
    URI endpoint = hub.endpoint();
    hub.unavailable("/api/models/acme/tiny/revision/main", 100);
    RecordingProgress progress = new RecordingProgress();

    assertThatThrownBy(() -> client(endpoint, progress).pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK))
        .hasMessageContaining("listing acme/tiny at " + endpoint + " failed after 3 tries: the server answered HTTP 503")
        .hasMessageEndingWith("; and acme/tiny is not in the Hub cache at " + cache);

    hub.forget();
    Snapshot partial = client().pull(RepoRef.parse("acme/tiny@" + tinyCommit), MODEL);
    Files.writeString(Files.createDirectories(repoDir("acme/tiny").resolve("refs")).resolve("main"), tinyCommit);
    Files.delete(partial.dir().resolve("tokenizer.json"));
    assertThatThrownBy(() -> client(endpoint, progress).pull(TINY, MODEL))
        .hasMessageEndingWith("; and acme/tiny is not in the Hub cache at " + cache);
    assertThat(progress.events).isEmpty();
  }

  @Test
  @DisplayName("a Hub that answers (a missing revision, a refused token) is believed: the cache is not used instead")
  void answersAreBelieved() {
    client().pull(TINY, MODEL);
    hub.failWith("/api/models/acme/tiny/revision/main", 401, "GatedRepo", 1);

    assertThatThrownBy(() -> client(hub.endpoint(), new RecordingProgress()).pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.GATED_OR_PRIVATE));
    hub.failWith("/api/models/acme/tiny/revision/main", 404, "RevisionNotFound", 1);
    assertThatThrownBy(() -> client(hub.endpoint(), new RecordingProgress()).pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REVISION_NOT_FOUND));
  }

  @Test
  @DisplayName("a Hub whose name does not resolve (DNS) counts as unreachable too")
  void unknownHost() {
    Snapshot pulled = client().pull(TINY, MODEL);
    RecordingProgress progress = new RecordingProgress();

    Snapshot again = client(URI.create("http://no-such-hub.invalid"), progress).pull(TINY, MODEL);

    assertThat(again).isEqualTo(pulled);
    assertThat(progress.events).singleElement().asString().contains("UnknownHostException");
  }
}
