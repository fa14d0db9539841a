package stream.terminal.lastmile.bench.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import stream.terminal.lastmile.demo.proto.IndicatorPoint;

/**
 * The round's payloads, the same messages in both forms: Protobuf {@code IndicatorPoint}s (the demo's type) and
 * their proto3 JSON mapping as the node prints it, so that a JSON publish and a Protobuf one carry the same
 * document and the node stores the same bytes for both.
 */
record Payloads(List<IndicatorPoint> points, List<String> json) {
  /** Compact, as the node's mapping (protobuf/ProtoTypes) prints it. */
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().alwaysPrintFieldsWithNoPresence();

  static Payloads of(int count, long seed) {
    Random random = new Random(seed);
    List<IndicatorPoint> points = new ArrayList<>(count);
    List<String> json = new ArrayList<>(count);
    double price = 100;
    for (int i = 0; i < count; i++) {
      price *= Math.exp(0.001 * random.nextGaussian());
      IndicatorPoint point = IndicatorPoint.newBuilder().setSymbol("DEMO").setTick(i + 1)
          .setPrice(Math.round(price * 1e4) / 1e4).setSma(Math.round(price * 0.999 * 1e4) / 1e4)
          .setRsi(Math.round((40 + 20 * random.nextDouble()) * 100) / 100.0).build();
      points.add(point);
      try {
        json.add(PRINTER.print(point));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("a message of a compiled type always prints", e);
      }
    }
    return new Payloads(List.copyOf(points), List.copyOf(json));
  }

  int size() {
    return points.size();
  }

  /** The mean JSON document's length in bytes, for the report. */
  double meanJsonBytes() {
    return json.stream().mapToInt(String::length).average().orElse(0);
  }

  /** The mean serialized Protobuf message's length in bytes (without the Any envelope). */
  double meanProtobufBytes() {
    return points.stream().mapToInt(IndicatorPoint::getSerializedSize).average().orElse(0);
  }
}
