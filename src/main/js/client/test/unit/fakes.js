// Fake WebSocket and EventSource classes, injected through connect() options: each records its instances so a
// test can play the server's side.

export function fakeWebSocket() {
  class FakeWebSocket {
    static instances = [];
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.sent = [];
      this.closed = null;
      FakeWebSocket.instances.push(this);
    }
    send(text) {
      this.sent.push(JSON.parse(text));
    }
    close(code) {
      this.closed = code ?? 1005;
    }
    // the server's side
    accept() {
      this.onopen?.({});
    }
    push(frame) {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }
    drop(code, reason = '') {
      this.onclose?.({ code, reason });
    }
    replyTo(op, channel, result) {
      const command = this.sent.findLast((c) => c.op === op && c.channel === channel);
      this.push({ type: 'reply', id: command.id, ...result });
      return command;
    }
  }
  return FakeWebSocket;
}

export function fakeEventSource() {
  class FakeEventSource extends EventTarget {
    static instances = [];
    constructor(url) {
      super();
      this.url = new URL(url);
      this.closed = false;
      FakeEventSource.instances.push(this);
    }
    close() {
      this.closed = true;
    }
    // the server's side
    accept() {
      this.onopen?.({});
    }
    event(type, body) {
      const e = new MessageEvent(type, { data: JSON.stringify(body) });
      if (type === 'message') this.onmessage?.(e);
      else this.dispatchEvent(e);
    }
    fail() {
      this.dispatchEvent(new Event('error'));
    }
  }
  return FakeEventSource;
}

/** Resolves with the detail of the next `type` event of `target`. */
export function next(target, type) {
  return new Promise((resolve) => target.addEventListener(type, (e) => resolve(e.detail), { once: true }));
}

/** Resolves once `predicate()` holds, checking after each macrotask (timers of a few ms in these tests). */
export async function until(predicate, what = 'condition') {
  const deadline = Date.now() + 2000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

export const message = (channel, epoch, offset, data = { n: offset }) =>
  ({ type: 'message', channel, offset, epoch, data, ts: 1764123456789 + offset });
