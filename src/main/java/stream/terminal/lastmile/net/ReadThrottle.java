package stream.terminal.lastmile.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import stream.terminal.lastmile.net.AddressBudget.Debt;
import stream.terminal.lastmile.net.AddressBudget.Work;

/**
 * The first handler of a connection whose listener has per-address budgets: it charges every byte read to the
 * address, and after each read, if the address is in debt (for these bytes, or for the frames and replies its
 * connections caused), stops reading from this connection until the debt is paid. A read already under way
 * finishes, so an address overdraws by at most one read per connection.
 *
 * <p>Reading stops through the channel's auto-read, which Vert.x also uses to pause a connection: a resume here
 * may end a pause of Vert.x's early, which costs Vert.x at most one more read to pause again, within the budget.
 */
final class ReadThrottle extends ChannelInboundHandlerAdapter {
  private final AddressBudget budget;
  private final Consumer<Work> onThrottled;
  private boolean paused;

  ReadThrottle(AddressBudget budget, Consumer<Work> onThrottled) {
    this.budget = budget;
    this.onThrottled = onThrottled;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      budget.chargeRead(bytes.readableBytes());
    } else if (msg instanceof ByteBufHolder holder) {
      budget.chargeRead(holder.content().readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    if (!paused) {
      Debt debt = budget.debt(System.nanoTime());
      if (debt != null) {
        onThrottled.accept(debt.budget());
        pause(ctx, debt.nanos());
      }
    }
  }

  private void pause(ChannelHandlerContext ctx, long nanos) {
    paused = true;
    ctx.channel().config().setAutoRead(false);
    ctx.executor().schedule(() -> resume(ctx), nanos, TimeUnit.NANOSECONDS);
  }

  private void resume(ChannelHandlerContext ctx) {
    paused = false;
    if (!ctx.channel().isActive()) {
      return;
    }
    Debt debt = budget.debt(System.nanoTime());
    if (debt != null) {
      pause(ctx, debt.nanos()); // others from the address read meanwhile
    } else {
      ctx.channel().config().setAutoRead(true);
    }
  }
}
