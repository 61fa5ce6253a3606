package io.inferencegraph.hub;

import java.util.List;

/** What the Hub says a revision is: its commit and every file path in it. */
record RepoListing(String commit, List<String> paths) {}
