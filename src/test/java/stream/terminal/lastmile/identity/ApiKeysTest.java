package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.auth.Secrets;
import stream.terminal.lastmile.config.PublishRate;

class ApiKeysTest {
  @Test
  void aKeyIsFoundByItsHashAndNothingElse() {
    ApiKeys keys = new ApiKeys(List.of(
        TestKeys.apiKey("one", "lmk_first", PublishRate.UNLIMITED, "a.*"),
        TestKeys.apiKey("two", "lmk_second", PublishRate.UNLIMITED, "b")));
    assertEquals("one", keys.find("lmk_first").id());
    assertEquals("two", keys.find("lmk_second").id());
    assertNull(keys.find("lmk_firs"));
    assertNull(keys.find("lmk_first "));
    assertNull(keys.find(""));
    // the hash itself is not the key
    assertNull(keys.find(HexFormat.of().formatHex(Secrets.sha256("lmk_first"))));
  }

  @Test
  void theHashIsSha256OfTheUtf8Key() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        HexFormat.of().formatHex(Secrets.sha256("abc")));
  }
}
