package stream.terminal.lastmile.bench.chaos;

/** One gateway JVM of a run: its name, cluster address, uid (for the owner match of a cut) and roles. */
record Node(String name, String address, int uid, boolean ingest, boolean edge) {
  String roles() {
    return ingest && edge ? "ingest,edge" : ingest ? "ingest" : "edge";
  }
}
