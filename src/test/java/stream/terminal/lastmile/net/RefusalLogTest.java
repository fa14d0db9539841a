package stream.terminal.lastmile.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
  private final Logger logger = Logger.getLogger(ConnectionGate.class.getName());
  private final List<String> lines = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      lines.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void listen() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(capture);
  }

  @Test
  void aFloodOfRefusalsWritesOneLinePerIntervalWithTheCountItLeftOut() {
    long[] now = {1_000_000};
    RefusalLog log = new RefusalLog("public", () -> now[0]);
    for (int i = 0; i < 1000; i++) {
      log.refused("address holds max_connections_per_ip (256)", "192.0.2.1");
    }
    assertEquals(1, lines.size(), lines.toString());
    now[0] += RefusalLog.INTERVAL_MS;
    log.refused("address holds max_connections_per_ip (256)", "192.0.2.1");
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(1).contains("999 more refused"), lines.get(1));
  }
}
