package stream.terminal.lastmile.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire codecs' JSON parsing of hostile text. */
class JsonTest {
  /** Found by scripts/abuse's fuzzer: Jackson throws NumberFormatException, not a parse error, for these. */
  @ParameterizedTest
  @ValueSource(strings = {"634231e9994133095036179", "{\"data\":446924321e99938224498}", "[1e-99999999999]"})
  void aNumberBigDecimalCannotHoldIsNotJson(String text) {
    assertNull(Json.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e999", "1.10", "-0.0", "12345678901234567890123"})
  void numbersWithinRangeKeepTheirValue(String text) {
    assertEquals(new java.math.BigDecimal(text), Json.parse(text).decimalValue());
  }
}
