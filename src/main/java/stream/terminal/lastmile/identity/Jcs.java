package stream.terminal.lastmile.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON Canonicalization Scheme (RFC 8785): the one text a JSON value signs as, whoever wrote it. Keys sorted by
 * UTF-16 code units (what {@link String#compareTo} compares), no whitespace, strings escaped as ECMAScript's
 * JSON.stringify does, numbers as ECMAScript's Number::toString of the IEEE-754 double.
 */
public final class Jcs {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** Integers below this are exact doubles and print as themselves. */
  private static final double EXACT_INTEGERS = 9007199254740992d;

  private Jcs() {}

  /**
   * @param json one JSON document
   * @return its canonical form
   * @throws IllegalArgumentException when the text is not I-JSON: malformed, a duplicate key, a number no double
   *     holds, a lone surrogate
   */
  public static String canonicalize(String json) {
    return canonicalize(json, false);
  }

  /**
   * The canonical form of a document whose every number JCS writes without changing its value: the number's text
   * and the double's shortest decimal are the same decimal number ({@code 1.10} and {@code 1e3} pass, since they
   * are {@code 1.1} and {@code 1000}; {@code 12345678901234567890} and {@code 0.1000000000000000000001} do not).
   * A signature over such a document covers the very digits a subscriber reads.
   *
   * @throws InexactNumber for the first number that a double does not hold exactly
   * @throws IllegalArgumentException when the text is not I-JSON
   */
  public static String canonicalizeExact(String json) {
    return canonicalize(json, true);
  }

  /** A number whose decimal value changes on the way through a double; its message names the number. */
  public static final class InexactNumber extends IllegalArgumentException {
    private static final int SHOWN = 40;

    InexactNumber(String text, String canonical) {
      super("the number " + shorten(text) + " is not exactly an IEEE-754 double (its signed form is "
          + shorten(canonical) + "): send it as a string, or as the number the double holds");
    }

    private static String shorten(String text) {
      return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "...";
    }
  }

  private static String canonicalize(String json, boolean exact) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      StringBuilder out = new StringBuilder(json.length());
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IllegalArgumentException("no JSON value");
      }
      value(parser, first, out, exact);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("text after the JSON value");
      }
      return out.toString();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }

  private static void value(JsonParser parser, JsonToken token, StringBuilder out, boolean exact)
      throws IOException {
    switch (token) {
      case START_OBJECT -> {
        // JCS sorts members by their names' UTF-16 code units, which String.compareTo compares
        Map<String, String> members = new TreeMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String name = parser.currentName();
          StringBuilder member = new StringBuilder();
          value(parser, parser.nextToken(), member, exact);
          members.put(name, member.toString());
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> member : members.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(member.getKey(), out);
          out.append(':').append(member.getValue());
        }
        out.append('}');
      }
      case START_ARRAY -> {
        out.append('[');
        boolean first = true;
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          value(parser, t, out, exact);
        }
        out.append(']');
      }
      case VALUE_STRING -> string(parser.getText(), out);
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
          out.append(exact ? exactNumber(parser) : number(parser.getDoubleValue()));
      case VALUE_TRUE -> out.append("true");
      case VALUE_FALSE -> out.append("false");
      case VALUE_NULL -> out.append("null");
      default -> throw new IllegalArgumentException("unexpected " + token);
    }
  }

  /**
   * The number's JCS text, when it is the same decimal value as the number's own text. Jackson bounds the text at
   * 1000 characters, so the comparison stays cheap.
   */
  private static String exactNumber(JsonParser parser) throws IOException {
    String text = parser.getText();
    double value = parser.getDoubleValue();
    if (Double.isInfinite(value)) {
      throw new InexactNumber(text, "none: it overflows");
    }
    String canonical = number(value);
    if (new BigDecimal(text).compareTo(new BigDecimal(canonical)) != 0) {
      throw new InexactNumber(text, canonical);
    }
    return canonical;
  }

  /** A string as JSON.stringify writes it; lone surrogates are not I-JSON and are refused. */
  public static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            throw new IllegalArgumentException("a lone surrogate (U+" + Integer.toHexString(c) + ") is not I-JSON");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** ECMAScript's Number::toString of {@code d}: the shortest decimal that reads back as {@code d}. */
  public static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("a number no IEEE-754 double holds");
    }
    if (d == 0) {
      return "0"; // -0 included
    }
    if (d == Math.rint(d) && Math.abs(d) < EXACT_INTEGERS) {
      return Long.toString((long) d);
    }
    if (d < 0) {
      return "-" + number(-d);
    }
    BigDecimal shortest = shortest(d).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int n = k - shortest.scale(); // d = 0.digits x 10^n
    StringBuilder out = new StringBuilder(24);
    if (k <= n && n <= 21) {
      out.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int e = n - 1;
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return out.toString();
  }

  /**
   * The fewest significant digits that read back as {@code d} (JDK 17's Double.toString is not always shortest),
   * and of those the closest to {@code d}, an even last digit on a tie (ECMAScript Number::toString). Both neighbours
   * are tried: next to a power of two the round-trip interval is lopsided, so the nearest may fail where the other
   * succeeds.
   */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
      boolean downReads = down.doubleValue() == d;
      boolean upReads = up.doubleValue() == d;
      if (downReads && upReads) {
        return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      }
      if (downReads) {
        return down;
      }
      if (upReads) {
        return up;
      }
    }
    throw new IllegalStateException("17 significant digits always read back as the same double");
  }
}
