package stream.terminal.lastmile.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the wire codecs, and small text helpers for hand-built frames. */
public final class Json {
  /**
   * Big decimals keep prices exact: a payload leaves as it arrived, only its whitespace removed. Jackson's tree
   * model strips trailing zeros of decimals by default ({@code 1.10} would leave as {@code 1.1}, {@code 10.0} as
   * {@code 1E+1}), so that normalisation is turned off.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private Json() {}

  /** Parses one JSON document; null when the text is not JSON (also when it is empty or only whitespace). */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      // Jackson reads empty input as a MissingNode, which would serialise as "null"
      return node == null || node.isMissingNode() ? null : node;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree always serialises", e);
    }
  }

  /** The string as a JSON string literal, quotes included. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    JsonStringEncoder.getInstance().quoteAsString(text, out);
    return out.append('"').toString();
  }
}
