package stream.terminal.lastmile.config;

import java.util.List;

/**
 * {@code identity.oidc}: the OpenID Connect issuer whose access tokens sign subscribers on.
 *
 * @param issuer the issuer URL, the tokens' {@code iss}; https, or http on a loopback host
 * @param audience a token's {@code aud} must contain one of these
 * @param algorithms the JWS algorithms accepted (never none, never HMAC)
 * @param leewaySeconds clock skew allowed on exp, nbf and iat
 * @param channelsClaim the claim holding the channel patterns a user may subscribe to
 * @param jwksMinRefreshSeconds an unknown key id refetches the JWKS at most this often
 * @param jwksMaxAgeSeconds the keys are refetched at least this often
 * @param jwksUri the JWKS address, or null to discover it from the issuer
 */
public record OidcConfig(
    String issuer,
    List<String> audience,
    List<String> algorithms,
    int leewaySeconds,
    String channelsClaim,
    int jwksMinRefreshSeconds,
    int jwksMaxAgeSeconds,
    String jwksUri) {}
