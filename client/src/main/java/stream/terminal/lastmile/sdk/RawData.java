package stream.terminal.lastmile.sdk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The {@code data} of a message frame as the node wrote it: decoding and encoding it again would turn
 * {@code 1.10} into {@code 1.1} and big integers into doubles, and a signature covers the text.
 */
final class RawData {
  private static final JsonFactory JSON = new JsonFactory();

  private RawData() {}

  /** The text of the top-level field {@code data} of {@code frame}, or null when it has none. */
  static String of(String frame) {
    try (JsonParser parser = JSON.createParser(frame)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean data = "data".equals(parser.currentName());
        parser.nextToken();
        int start = (int) parser.currentTokenLocation().getCharOffset();
        parser.skipChildren();
        parser.finishToken(); // a string is read lazily: its end is known once it is finished
        if (data) {
          int end = (int) parser.currentLocation().getCharOffset();
          return frame.substring(start, end);
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
