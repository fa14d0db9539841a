package stream.terminal.lastmile.core;

import java.util.regex.Pattern;

/**
 * Channel names: 1-128 characters from {@code A-Z a-z 0-9 . _ - : @}. The set keeps names safe in URLs, event-bus
 * addresses, logs and patterns ({@code indicators.*}), and the bound keeps a name from being a payload.
 */
public final class ChannelNames {
  public static final int MAX_LENGTH = 128;
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:@-]{1," + MAX_LENGTH + "}");

  private ChannelNames() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** @throws GatewayException {@code bad_request} naming the rule the name breaks */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new GatewayException(
          ErrorCode.BAD_REQUEST,
          "invalid channel name: use 1-" + MAX_LENGTH + " characters from A-Z a-z 0-9 . _ - : @");
    }
    return name;
  }
}
