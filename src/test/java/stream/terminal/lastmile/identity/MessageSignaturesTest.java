package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.config.PublisherTokensConfig;
import stream.terminal.lastmile.config.SignaturesConfig;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Signature;

/** Signed messages: real Ed25519 and P-256 signatures, and each part tampered with. */
class MessageSignaturesTest {
  private static final long NOW = 1_764_489_600_000L;
  private static final KeyPair ED = TestKeys.ed25519();
  private static final KeyPair EC = TestKeys.p256();
  private static final String DATA = "{\"price\":101.5,\"name\":\"btc\",\"tags\":[\"a\",\"\u00e9\"]}";

  private final TestKeys.MutableClock clock = new TestKeys.MutableClock(NOW);
  private final MessageSignatures signatures = new MessageSignatures(new IdentityConfig(null,
      PublisherTokensConfig.DEFAULTS, new SignaturesConfig(300), List.of(),
      List.of(TestKeys.publicKey("ed", ED, "indicators.*"), TestKeys.publicKey("ec", EC, "indicators.*"))), clock);

  private static GatewayException refused(ErrorCode code, Runnable check) {
    GatewayException e = assertThrows(GatewayException.class, check::run);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  @Test
  void theCanonicalFormIsJcsOfChannelDataAndTs() {
    assertEquals("{\"channel\":\"indicators.btc\",\"data\":{\"name\":\"btc\",\"price\":101.5,\"tags\":[\"a\",\"\u00e9\"]},"
        + "\"ts\":1764489600000}", MessageSignatures.canonical("indicators.btc", DATA, NOW));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed", "ec"})
  void aSignatureVerifiesAndAnyTamperingIsRefused(String kid) {
    KeyPair pair = kid.equals("ed") ? ED : EC;
    String sig = MessageSignatures.sign(pair.getPrivate(), "indicators.btc", DATA, NOW);
    assertEquals(64, Base64.getUrlDecoder().decode(sig).length);
    signatures.verify("indicators.btc", DATA, NOW, new Signature(kid, sig));
    // the same data written otherwise is the same message
    signatures.verify("indicators.btc", " { \"tags\" : [\"a\",\"\\u00e9\"], \"name\":\"btc\", \"price\": 1.015e2 }", NOW,
        new Signature(kid, sig));

    refused(ErrorCode.BAD_SIGNATURE,
        () -> signatures.verify("indicators.btc", DATA.replace("101.5", "101.6"), NOW, new Signature(kid, sig)));
    refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.eth", DATA, NOW, new Signature(kid, sig)));
    refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.btc", DATA, NOW + 1, new Signature(kid, sig)));
    byte[] bytes = Base64.getUrlDecoder().decode(sig);
    bytes[10] ^= 1;
    String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.btc", DATA, NOW, new Signature(kid, tampered)));
  }

  @Test
  void aSignatureOfAnotherKeyIsRefused() {
    String sig = MessageSignatures.sign(ED.getPrivate(), "indicators.btc", DATA, NOW);
    refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.btc", DATA, NOW, new Signature("ec", sig)));
    String other = MessageSignatures.sign(TestKeys.ed25519().getPrivate(), "indicators.btc", DATA, NOW);
    refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.btc", DATA, NOW, new Signature("ed", other)));
  }

  @Test
  void unknownKeysAndMalformedSignaturesAreRefused() {
    String sig = MessageSignatures.sign(ED.getPrivate(), "indicators.btc", DATA, NOW);
    assertTrue(refused(ErrorCode.BAD_SIGNATURE,
        () -> signatures.verify("indicators.btc", DATA, NOW, new Signature("nobody", sig))).getMessage()
        .contains("unknown key id"));
    for (String bad : List.of("", sig + "==", sig.substring(1), sig + "A", sig.replace(sig.charAt(3), '+'),
        sig.substring(0, 85) + (sig.charAt(85) == 'A' ? "B" : "A"))) {
      refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.btc", DATA, NOW, new Signature("ed", bad)));
    }
    refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.btc", DATA, NOW, new Signature("ed", null)));
  }

  @Test
  void aP256SignatureOutOfRangeIsRefusedNotThrown() {
    String zeros = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
    refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.btc", DATA, NOW, new Signature("ec", zeros)));
  }

  @Test
  void theTimestampMustBeWithinTheSkew() {
    long ts = NOW - 300_000;
    String sig = MessageSignatures.sign(ED.getPrivate(), "indicators.btc", DATA, ts);
    signatures.verify("indicators.btc", DATA, ts, new Signature("ed", sig));
    clock.advance(1);
    assertTrue(refused(ErrorCode.BAD_SIGNATURE,
        () -> signatures.verify("indicators.btc", DATA, ts, new Signature("ed", sig))).getMessage()
        .contains("timestamp outside the allowed skew"));
    long future = NOW + 302_000;
    String ahead = MessageSignatures.sign(ED.getPrivate(), "indicators.btc", DATA, future);
    refused(ErrorCode.BAD_SIGNATURE, () -> signatures.verify("indicators.btc", DATA, future, new Signature("ed", ahead)));
    // a key holder's far-off timestamps; the last makes ts - now exactly Long.MIN_VALUE, whose abs is negative
    for (long extreme : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + clock.millis()}) {
      String signed = MessageSignatures.sign(ED.getPrivate(), "indicators.btc", DATA, extreme);
      assertTrue(refused(ErrorCode.BAD_SIGNATURE,
          () -> signatures.verify("indicators.btc", DATA, extreme, new Signature("ed", signed))).getMessage()
          .contains("skew"));
    }
  }

  @Test
  void aKeyMaySignOnlyItsOwnChannels() {
    String sig = MessageSignatures.sign(ED.getPrivate(), "alerts.x", DATA, NOW);
    refused(ErrorCode.PERMISSION_DENIED, () -> signatures.verify("alerts.x", DATA, NOW, new Signature("ed", sig)));
  }

  @Test
  void dataThatIsNotIJsonIsRefused() {
    String sig = MessageSignatures.sign(ED.getPrivate(), "indicators.btc", DATA, NOW);
    refused(ErrorCode.BAD_SIGNATURE,
        () -> signatures.verify("indicators.btc", "{\"a\":1,\"a\":2}", NOW, new Signature("ed", sig)));
  }

  @Test
  void aNumberThatADoubleDoesNotHoldExactlyIsRefusedNamingIt() {
    // what JCS makes of 12345678901234567890: one signature would cover ...567890, ...567891 and ...567999 alike
    String sig = MessageSignatures.sign(ED.getPrivate(), "indicators.btc", "{\"account\":12345678901234567000}", NOW);
    for (String digits : new String[] {"12345678901234567890", "12345678901234567891", "9007199254740993", "1e400"}) {
      GatewayException e = refused(ErrorCode.BAD_REQUEST, () -> signatures.verify(
          "indicators.btc", "{\"account\":" + digits + "}", NOW, new Signature("ed", sig)));
      assertTrue(e.getMessage().contains("the number " + digits), e.getMessage());
    }
    signatures.verify("indicators.btc", "{\"account\":12345678901234567000}", NOW, new Signature("ed", sig));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5", "100", "-0.25", "0.1", "1.10", "1e3", "1E+3", "-0", "5e-324", "1.7976931348623157e308",
      "123456789012345680000", "9007199254740992"})
  void numbersWhoseDecimalValueADoubleHoldsVerify(String number) {
    // 1.10 and 1e3 are delivered as written (docs/protocol.md 2.8) and read as the same decimal as JCS's 1.1, 1000
    String data = "{\"v\":[" + number + "]}";
    String sig = MessageSignatures.sign(ED.getPrivate(), "indicators.btc", data, NOW);
    signatures.verify("indicators.btc", data, NOW, new Signature("ed", sig));
  }

  @Test
  void signingRefusesWhatVerifyingWould() {
    assertThrows(Jcs.InexactNumber.class,
        () -> MessageSignatures.sign(ED.getPrivate(), "indicators.btc", "0.1000000000000000000001", NOW));
  }
}
