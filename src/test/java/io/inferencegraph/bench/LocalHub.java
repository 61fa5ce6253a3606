package io.inferencegraph.bench;

import io.inferencegraph.hub.FakeRepo;
import io.inferencegraph.hub.HubStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The test suite's stand-in Hub, serving every model directory under DIR as the repo ORG/NAME on
 * loopback, so that a benchmark can fill a Hugging Face cache with {@code models pull} here, where
 * the real Hub is out of reach. Prints the endpoint, then serves until killed.
 * Usage: {@code LocalHub DIR ORG}.
 */
public final class LocalHub {
  private LocalHub() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LocalHub DIR ORG");
      System.exit(2);
    }
    HubStandIn hub = new HubStandIn();
    try (Stream<Path> dirs = Files.list(Path.of(args[0]))) {
      for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("config.json"))).sorted().toList()) {
        FakeRepo repo = new FakeRepo(args[1] + "/" + dir.getFileName());
        repo.commit("main", FakeRepo.filesOf(dir));
        hub.serve(repo);
      }
    }
    System.out.println(hub.endpoint());
    System.out.flush();
    Thread.currentThread().join();
  }
}
