package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** What a failed store tells the publisher: refused for sure only when Hazelcast did not run it. */
class OutcomesTest {
  @Test
  void aStoreThatMayHaveRunIsOfUnknownOutcome() {
    for (Throwable cause : List.of(new IndeterminateOperationStateException("backup acks missed"),
        new MemberLeftException("gone"), new OperationTimeoutException("slow"),
        new HazelcastInstanceNotActiveException())) {
      GatewayException e = GatewayException.of(Outcomes.ofWrite(new CompletionException(cause)));
      assertEquals(ErrorCode.UNAVAILABLE, e.code(), cause.toString());
      assertTrue(e.storedUnknown(), cause + ": " + e.getMessage());
    }
  }

  @Test
  void aStoreTheQuorumRefusedWasNotRun() {
    GatewayException e = GatewayException.of(Outcomes.ofWrite(new SplitBrainProtectionException("minority")));
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertFalse(e.storedUnknown());
  }

  @Test
  void aReadThatCannotBeAnsweredIsRetryableAndOtherFailuresPassThrough() {
    GatewayException e = GatewayException.of(Outcomes.ofRead(new CompletionException(new MemberLeftException("x"))));
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertFalse(e.storedUnknown());
    IllegalStateException other = new IllegalStateException("bug");
    assertSame(other, Outcomes.ofWrite(other));
  }
}
