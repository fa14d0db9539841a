package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import java.util.Arrays;
import stream.terminal.lastmile.net.AddressBudget;

/**
 * Reads the header of every incoming WebSocket frame before the codec does, and discards a frame whose payload
 * is larger than the listener's {@code max_frame_bytes} as its bytes arrive, without keeping any of them. The
 * session is told at the header, so it can send its 1009 notice and close frame at once; the codec, which only
 * ever sees frames within the limit, never fails on one (it would drop the connection without a close frame,
 * and browsers would report 1006 and send the same frame again). The frames after the discarded one, the
 * client's close frame among them, reach the codec as usual. Memory stays at most a 14-byte header per
 * connection whatever a client announces: a 4 GiB frame costs reading it, nothing more.
 */
final class FrameSizeGuard extends ChannelInboundHandlerAdapter {
  /** Longest frame header: 2 bytes, 8 of extended length, 4 of mask. */
  private static final int MAX_HEADER = 14;

  private final long maxPayload;
  private final Runnable onTooLarge;
  private final AddressBudget budget;
  private final byte[] header = new byte[MAX_HEADER];
  /** Bytes of the current header read so far, and how many of them came in an earlier read (not yet passed on). */
  private int headerLength;
  private int carried;
  /** Payload bytes of the current frame still to pass on, or to discard. */
  private long remaining;
  private boolean discarding;

  private FrameSizeGuard(long maxPayload, Runnable onTooLarge, AddressBudget budget) {
    this.maxPayload = maxPayload;
    this.onTooLarge = onTooLarge;
    this.budget = budget;
  }

  /**
   * Puts the guard in front of the connection's frame decoder; call on its event loop. Every frame header it
   * reads, control frames included, is charged to the address's budget.
   */
  static void install(ChannelPipeline pipeline, long maxPayload, Runnable onTooLarge) {
    pipeline.addBefore(decoderName(pipeline), null,
        new FrameSizeGuard(maxPayload, onTooLarge, AddressBudget.of(pipeline.channel())));
  }

  static String decoderName(ChannelPipeline pipeline) {
    ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
    if (decoder == null) {
      throw new IllegalStateException("no WebSocket frame decoder in the pipeline: " + pipeline.names());
    }
    return decoder.name();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      scan(ctx, in);
    } finally {
      in.release();
    }
  }

  /** Passes on the bytes of allowed frames, in runs, and skips those of oversized ones. */
  private void scan(ChannelHandlerContext ctx, ByteBuf in) {
    int end = in.writerIndex();
    int runStart = in.readerIndex();
    int i = runStart;
    while (i < end) {
      if (remaining > 0) {
        int n = (int) Math.min(remaining, end - i);
        i += n;
        remaining -= n;
        if (discarding) {
          runStart = i;
          // given back to the address: the connection is closing anyway, skipping bytes costs only their copy
          // from the kernel, and a client that writes its whole frame before reading gets to see the 1009
          budget.chargeRead(-n);
        }
        continue;
      }
      discarding = false;
      header[headerLength++] = in.getByte(i++);
      long payload = payloadLength();
      if (payload < 0) {
        continue; // header not complete yet
      }
      int headerStart = i - (headerLength - carried);
      budget.chargeFrames(1);
      if (payload > maxPayload) {
        pass(ctx, in, runStart, headerStart);
        runStart = i;
        discarding = true;
        onTooLarge.run();
      } else if (carried > 0) {
        // the header began in an earlier read: its first bytes go first, then this read's run carries on
        ctx.fireChannelRead(Unpooled.wrappedBuffer(Arrays.copyOf(header, carried)));
      }
      remaining = payload;
      headerLength = 0;
      carried = 0;
    }
    if (headerLength > carried) {
      // a header cut by the end of this read: kept until its length is known
      int headerStart = end - (headerLength - carried);
      pass(ctx, in, runStart, headerStart);
      carried = headerLength;
    } else {
      pass(ctx, in, runStart, end);
    }
  }

  private static void pass(ChannelHandlerContext ctx, ByteBuf in, int from, int to) {
    if (to > from) {
      ctx.fireChannelRead(in.retainedSlice(from, to - from));
    }
  }

  /**
   * The payload length of the header read so far, or -1 while it is incomplete. A 64-bit length with its top
   * bit set (invalid) counts as larger than any limit.
   */
  private long payloadLength() {
    if (headerLength < 2) {
      return -1;
    }
    int length7 = header[1] & 0x7f;
    int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    int mask = (header[1] & 0x80) != 0 ? 4 : 0;
    if (headerLength < 2 + extended + mask) {
      return -1;
    }
    long length = extended == 0 ? length7 : 0;
    for (int b = 2; b < 2 + extended; b++) {
      length = (length << 8) | (header[b] & 0xff);
    }
    return length < 0 ? Long.MAX_VALUE : length;
  }
}
