package stream.terminal.lastmile.auth;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A listener's {@code allowed_origins}: which web pages may use it from a browser. Browsers attach an
 * {@code Origin} header to every WebSocket handshake and cross-site request, and a page cannot forge it, so
 * checking it stops cross-site WebSocket hijacking and cross-site requests riding on a victim's network position
 * (a page on the internet reaching an ingest listener on the victim's private network). Clients that are not
 * browsers send no {@code Origin} and are not affected: this is a browser policy, not authentication.
 *
 * <p>Entries: {@code *} (any origin), an exact origin {@code https://app.example.com[:port]}, or a subdomain
 * wildcard {@code https://*.example.com[:port]} (any subdomain, at any depth; not {@code example.com} itself).
 * An empty list refuses every request that carries an {@code Origin}. Shared by every browser-facing transport
 * (WebSocket handshakes, CORS on the HTTP surfaces).
 */
public final class OriginPolicy {
  /** scheme://host[:port], host optionally starting with "*." ; compared lower-case. */
  private static final Pattern ENTRY =
      Pattern.compile("https?://(?:\\*\\.)?[a-z0-9-]+(?:\\.[a-z0-9-]+)*(?::\\d{1,5})?");
  private static final Pattern LABELS = Pattern.compile("[a-z0-9-]+(?:\\.[a-z0-9-]+)*");

  private final boolean any;
  private final List<String> exact;
  /** "scheme://" and ".domain[:port]" of each wildcard entry. */
  private final List<String[]> wildcards;

  private OriginPolicy(List<String> entries) {
    this.any = entries.contains("*");
    this.exact = entries.stream().filter(e -> !e.contains("*")).map(OriginPolicy::lower).toList();
    this.wildcards = entries.stream()
        .filter(e -> e.contains("://*."))
        .map(e -> lower(e).split("\\*", 2))
        .toList();
  }

  /** @param entries entries that passed {@link #isValidEntry} */
  public static OriginPolicy of(List<String> entries) {
    return new OriginPolicy(entries);
  }

  /** Whether {@code entry} is {@code *}, an http(s) origin, or one with a {@code *.} subdomain wildcard. */
  public static boolean isValidEntry(String entry) {
    return entry.equals("*") || ENTRY.matcher(lower(entry)).matches();
  }

  /** Whether every origin is allowed (then CORS answers {@code Access-Control-Allow-Origin: *}). */
  public boolean allowsAny() {
    return any;
  }

  /**
   * @param origin the request's {@code Origin} header, or null when it has none (not a browser, or a
   *     same-origin GET): always allowed
   */
  public boolean allows(String origin) {
    if (origin == null || any) {
      return true;
    }
    String o = lower(origin.trim());
    if (exact.contains(o)) {
      return true;
    }
    for (String[] w : wildcards) {
      // "https://" + one or more labels + ".example.com[:port]"
      if (o.length() > w[0].length() + w[1].length() && o.startsWith(w[0]) && o.endsWith(w[1])
          && LABELS.matcher(o.substring(w[0].length(), o.length() - w[1].length())).matches()) {
        return true;
      }
    }
    return false;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
