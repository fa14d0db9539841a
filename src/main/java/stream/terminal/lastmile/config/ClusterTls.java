package stream.terminal.lastmile.config;

/**
 * TLS with mutual authentication on the event bus between cluster nodes: each node presents {@code cert} and
 * accepts a peer only if its certificate is signed by {@code ca} (both ways), so a host on the cluster network
 * without such a certificate can neither read the messages nodes send each other nor put its own on the bus.
 *
 * @param cert PEM file: this node's certificate (chain)
 * @param key PEM file: its private key (PKCS#8 or PKCS#1)
 * @param ca PEM file: the certificate(s) a peer's certificate must be signed by; a self-signed certificate shared
 *     by every node may be its own CA
 */
public record ClusterTls(String cert, String key, String ca) {}
