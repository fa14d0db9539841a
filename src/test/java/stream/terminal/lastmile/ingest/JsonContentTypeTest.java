package stream.terminal.lastmile.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonContentTypeTest {
  @ParameterizedTest
  @ValueSource(strings = {"application/json", "APPLICATION/JSON", " application/json ; charset=utf-8",
      "application/vnd.api+json", "application/merge-patch+json;q=1", "text/x+json"})
  void jsonTypes(String type) {
    assertTrue(JsonContentType.isJson(type), type);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=a",
      "application/jsonx", "json", "+json", "/+json", "application/+json", "a/b/c+json", "application/json+ld",
      "text/plain; x=application/json"})
  void otherTypes(String type) {
    assertFalse(JsonContentType.isJson(type), type);
  }
}
