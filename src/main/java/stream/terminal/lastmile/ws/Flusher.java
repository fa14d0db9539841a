package stream.terminal.lastmile.ws;

import java.util.ArrayList;
import java.util.List;

/**
 * Flushes the connections of one event loop once per batch of its tasks. A write only marks its connection; the
 * first mark of a batch queues one task behind the tasks already waiting (the deliveries of other messages
 * among them), and that task flushes every marked connection. The frames that reach a connection within the
 * batch leave in one send(), and a message fanned out to many connections costs one scheduled task, not one per
 * connection. Touched only from its loop.
 */
final class Flusher {
  private List<FrameWriter> marked = new ArrayList<>();
  private List<FrameWriter> spare = new ArrayList<>();
  private final Runnable flushAll = this::flushAll;
  private boolean scheduled;

  void mark(FrameWriter writer) {
    marked.add(writer);
    if (!scheduled) {
      scheduled = true;
      writer.eventLoop().execute(flushAll);
    }
  }

  private void flushAll() {
    scheduled = false;
    List<FrameWriter> batch = marked;
    marked = spare;
    for (FrameWriter writer : batch) {
      writer.flush();
    }
    batch.clear();
    spare = batch;
  }
}
