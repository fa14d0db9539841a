package stream.terminal.lastmile.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPolicyTest {
  @Test
  void starAdmitsEveryOrigin() {
    OriginPolicy any = OriginPolicy.of(List.of("*"));
    assertTrue(any.allowsAny());
    assertTrue(any.allows("https://evil.example"));
    assertTrue(any.allows("null"));
  }

  @Test
  void anEmptyListRefusesEveryOriginButAdmitsRequestsWithout() {
    OriginPolicy none = OriginPolicy.of(List.of());
    assertFalse(none.allowsAny());
    assertFalse(none.allows("https://app.example.com"));
    assertFalse(none.allows("null"));
    assertTrue(none.allows(null), "clients that are not browsers send no Origin");
  }

  @Test
  void exactEntriesMatchSchemeHostAndPortIgnoringCase() {
    OriginPolicy policy = OriginPolicy.of(List.of("https://App.Example.com", "http://localhost:3000"));
    assertTrue(policy.allows("https://app.example.com"));
    assertTrue(policy.allows("HTTPS://APP.EXAMPLE.COM"));
    assertTrue(policy.allows("http://localhost:3000"));
    assertFalse(policy.allows("http://app.example.com"), "another scheme");
    assertFalse(policy.allows("https://app.example.com:8443"), "another port");
    assertFalse(policy.allows("http://localhost:3001"));
    assertFalse(policy.allows("https://app.example.com.evil.net"));
    assertFalse(policy.allows("null"));
  }

  @Test
  void wildcardEntriesMatchSubdomainsOnly() {
    OriginPolicy policy = OriginPolicy.of(List.of("https://*.example.com"));
    assertTrue(policy.allows("https://app.example.com"));
    assertTrue(policy.allows("https://a.b.example.com"));
    assertFalse(policy.allows("https://example.com"), "the domain itself is not a subdomain");
    assertFalse(policy.allows("https://evilexample.com"));
    assertFalse(policy.allows("https://app.example.com.evil.net"));
    assertFalse(policy.allows("https://app.example.com:8443"));
    assertFalse(policy.allows("http://app.example.com"));
    assertFalse(policy.allows("https://evil.net/.example.com"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "https://app.example.com", "http://localhost:3000", "https://*.example.com",
      "https://*.example.com:8443", "http://127.0.0.1:8080"})
  void validEntries(String entry) {
    assertTrue(OriginPolicy.isValidEntry(entry), entry);
  }

  @ParameterizedTest
  @ValueSource(strings = {"app.example.com", "https://app.example.com/", "https://app.example.com/path",
      "ftp://example.com", "https://*example.com", "https://app.*.com", "*.example.com", "null",
      "https://example.com:port", "https://"})
  void invalidEntries(String entry) {
    assertFalse(OriginPolicy.isValidEntry(entry), entry);
  }
}
