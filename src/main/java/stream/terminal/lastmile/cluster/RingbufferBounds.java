package stream.terminal.lastmile.cluster;

import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.impl.RingbufferProxy;
import com.hazelcast.ringbuffer.impl.RingbufferService;
import com.hazelcast.ringbuffer.impl.operations.GenericOperation;
import java.util.concurrent.CompletionStage;

/**
 * A ringbuffer's head and tail sequences without blocking. {@link Ringbuffer} only has blocking
 * {@code headSequence()} and {@code tailSequence()}; they send this same operation to the partition's owner and
 * wait for it. Waiting on a worker thread per call queued a reconnect storm's resumes behind each other (and ran
 * the worker pool dry), so these send it and return the pending answer instead. Tied to Hazelcast's member-side
 * proxy (5.x): the registry always runs on a member, never on a Hazelcast client.
 */
final class RingbufferBounds {
  private RingbufferBounds() {}

  /** The sequence of the newest item; one less than {@link #head} when the ringbuffer is empty. */
  static CompletionStage<Long> tail(Ringbuffer<?> ringbuffer) {
    return ask(ringbuffer, GenericOperation.OPERATION_TAIL);
  }

  /** The sequence of the oldest item still stored. */
  static CompletionStage<Long> head(Ringbuffer<?> ringbuffer) {
    return ask(ringbuffer, GenericOperation.OPERATION_HEAD);
  }

  private static CompletionStage<Long> ask(Ringbuffer<?> ringbuffer, byte what) {
    RingbufferProxy<?> proxy = (RingbufferProxy<?>) ringbuffer;
    GenericOperation operation = new GenericOperation(proxy.getName(), what);
    operation.setPartitionId(proxy.getPartitionId());
    return proxy.getOperationService().invokeOnPartition(RingbufferService.SERVICE_NAME, operation, proxy.getPartitionId());
  }
}
