package stream.terminal.lastmile.support;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One headless Chromium page using an edge listener's {@code /client.js}: the client package's
 * {@code test/browser/page.mjs} as a subprocess, driven line by line over its stdin and stdout.
 */
public final class BrowserPage implements AutoCloseable {
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(45);

  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  /** Everything the script printed, for failure messages. */
  private final StringBuffer log = new StringBuffer();

  private BrowserPage(Process process) {
    this.process = process;
    this.commands = process.outputWriter(StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          log.append(line).append('\n');
          if (!line.startsWith("#")) {
            answers.add(line);
          }
        }
      } catch (IOException ended) {
        // the process is gone: ask() reports it
      }
    }, "browser-page-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Opens the page: it subscribes to {@code channel} through {@code edgeUrl}'s client.js.
   *
   * @param noWebSocket removes {@code window.WebSocket} before the page runs, as a browser without it
   */
  public static BrowserPage open(String edgeUrl, String channel, boolean noWebSocket) throws IOException {
    return start(edgeUrl, channel, noWebSocket, false, Map.of());
  }

  /**
   * As {@link #open}, with more of the page script's environment: {@code CLIENT_OPTIONS} (JSON for connect's
   * options), {@code TOKEN_URL} and {@code TOKEN_FORM} (sign on with a fresh token from that provider per call).
   */
  public static BrowserPage open(String edgeUrl, String channel, boolean noWebSocket, Map<String, String> environment)
      throws IOException {
    return start(edgeUrl, channel, noWebSocket, false, environment);
  }

  /** Opens the edge's demo page ({@code /demo/}) on {@code channel}; its state is what the page shows. */
  public static BrowserPage openDemo(String edgeUrl, String channel, boolean noWebSocket) throws IOException {
    return start(edgeUrl, channel, noWebSocket, true, Map.of());
  }

  private static BrowserPage start(String edgeUrl, String channel, boolean noWebSocket, boolean demo,
      Map<String, String> environment) throws IOException {
    NodeTools.requireBrowser();
    ProcessBuilder builder = new ProcessBuilder("node", "test/browser/page.mjs")
        .directory(NodeTools.CLIENT_DIR.toFile())
        .redirectErrorStream(true);
    builder.environment().put("EDGE_URL", edgeUrl);
    builder.environment().put("CHANNEL", channel);
    builder.environment().put("NO_WEBSOCKET", noWebSocket ? "1" : "0");
    builder.environment().put("CHROMIUM", NodeTools.CHROMIUM.toString());
    builder.environment().put("DEMO_PAGE", demo ? "1" : "0");
    builder.environment().putAll(environment);
    return new BrowserPage(builder.start());
  }

  /**
   * Waits until {@code condition}, a JS expression over the page's state {@code s} and its subscription {@code sub},
   * holds; returns the state. {@code sub.position} is set once the subscription is in place: what is published
   * from then on reaches the page.
   */
  public JsonObject await(String condition) throws Exception {
    return ask("wait " + condition);
  }

  public JsonObject state() throws Exception {
    return ask("state");
  }

  private JsonObject ask(String command) throws Exception {
    commands.write(command + "\n");
    commands.flush();
    String answer = answers.poll(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (answer == null || !answer.startsWith("ok ")) {
      throw new AssertionError("browser page: '" + command + "' got " + (answer == null ? "no answer" : answer)
          + "\n--- page.mjs output ---\n" + log);
    }
    return new JsonObject(answer.substring(3));
  }

  @Override
  public void close() throws Exception {
    try {
      commands.write("quit\n");
      commands.close();
    } catch (IOException gone) {
      // already ended
    }
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroy();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
