package stream.terminal.lastmile.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import stream.terminal.lastmile.net.AddressBudget.Debt;
import stream.terminal.lastmile.net.AddressBudget.Work;

/**
 * The first handler of a connection whose listener has per-address budgets. It passes what it reads on in
 * small pieces, charging their bytes to the address, and before each piece checks whether the address is in
 * debt (for bytes, or for the frames and replies its connections caused): then it holds the rest and stops
 * reading from this connection until the debt is paid. Pieces keep one read that holds a hundred commands
 * from running them all before the budget is looked at (an address overdraws by at most one piece per
 * connection), and a few pieces at a time, the rest after the event loop's other work, keep a budget's burst
 * from running in one go ahead of everyone else on the loop. What is held is at most what one read took from
 * the socket.
 *
 * <p>Reading stops through the channel's auto-read, which Vert.x also uses to pause a connection: a resume here
 * may end a pause of Vert.x's early, which costs at most one more read, charged and held like any other.
 */
final class ReadThrottle extends ChannelInboundHandlerAdapter {
  /** Bytes passed on between two looks at the budget: a few commands. */
  static final int PIECE = 256;
  /** Pieces passed on in one go before the event loop's other work has its turn. */
  static final int PIECES_PER_TURN = 4;
  /**
   * How much longer than the debt a connection waits: it resumes with some budget in hand instead of waking up
   * for every piece (a few thousand wake-ups a second cost more than the work they pace).
   */
  static final long RESUME_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final AddressBudget budget;
  private final Consumer<Work> onThrottled;
  private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
  /** A timer (the address is in debt) or a task (a turn is over) will pass the held bytes on. */
  private boolean scheduled;

  ReadThrottle(AddressBudget budget, Consumer<Work> onThrottled) {
    this.budget = budget;
    this.onThrottled = onThrottled;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    held.add(bytes);
    if (!scheduled) {
      passOn(ctx);
    } else {
      ctx.channel().config().setAutoRead(false); // Vert.x resumed it meanwhile
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
  }

  /** Passes held bytes on, piece by piece, until they are all passed, the address is in debt or the turn is over. */
  private void passOn(ChannelHandlerContext ctx) {
    for (int pieces = 0; !held.isEmpty(); pieces++) {
      Debt debt = budget.debt(System.nanoTime());
      if (debt != null) {
        onThrottled.accept(debt.budget());
        later(ctx, debt.nanos() + RESUME_MARGIN_NANOS);
        return;
      }
      if (pieces == PIECES_PER_TURN) {
        later(ctx, 0);
        return;
      }
      ByteBuf head = held.peek();
      int length = Math.min(PIECE, head.readableBytes());
      budget.chargeRead(length);
      if (length == head.readableBytes()) {
        held.poll();
        ctx.fireChannelRead(head);
      } else {
        ctx.fireChannelRead(head.readRetainedSlice(length));
      }
    }
  }

  private void later(ChannelHandlerContext ctx, long nanos) {
    scheduled = true;
    ctx.channel().config().setAutoRead(false);
    if (nanos == 0) {
      ctx.executor().execute(() -> resume(ctx));
    } else {
      ctx.executor().schedule(() -> resume(ctx), nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void resume(ChannelHandlerContext ctx) {
    scheduled = false;
    if (!ctx.channel().isActive()) {
      return;
    }
    passOn(ctx);
    // what was passed on is a read of its own: Vert.x flushes its answers at read complete
    ctx.fireChannelReadComplete();
    if (!scheduled) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    held.forEach(ByteBuf::release);
    held.clear();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handlerRemoved(ctx);
    ctx.fireChannelInactive();
  }
}
