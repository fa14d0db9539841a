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

/**
 * Resolves once `predicate()` holds, checking after each macrotask (timers of a few ms in these tests). It polls
 * with setImmediate and reads performance.now(), which node:test's mocked timers and Date leave alone.
 */
export async function until(predicate, what = 'condition') {
  const deadline = performance.now() + 2000;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

export const message = (channel, epoch, offset, data = { n: offset }) =>
  ({ type: 'message', channel, offset, epoch, data, ts: 1764123456789 + offset });

/**
 * A fake `fetch` that records each request and lets the test answer it: `json(status, body)`, or `stream()` for an
 * event stream the test writes to. An aborted request fails, and so does its body, as with the real fetch.
 */
export function fakeFetch() {
  const fetch = (url, init = {}) => {
    const request = {
      url: new URL(url),
      method: init.method ?? 'GET',
      headers: init.headers ?? {},
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      aborted: false,
    };
    const response = new Promise((resolve, reject) => {
      request.resolve = resolve;
      request.reject = reject;
    });
    init.signal?.addEventListener('abort', () => {
      request.aborted = true;
      const reason = new DOMException('The operation was aborted.', 'AbortError');
      request.reject(reason);
      try {
        request.controller?.error(reason);
      } catch {
        // already closed
      }
    });
    request.json = (status, body) =>
      request.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
    request.stream = () => {
      const body = new ReadableStream({ start: (c) => (request.controller = c) });
      request.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }));
      const bytes = new TextEncoder();
      return {
        write: (text) => request.controller.enqueue(bytes.encode(text)),
        event: (type, data) =>
          request.controller.enqueue(bytes.encode(`${type === 'message' ? '' : `event: ${type}\n`}data: ${JSON.stringify(data)}\n\n`)),
        end: () => request.controller.close(),
      };
    };
    fetch.requests.push(request);
    return response;
  };
  fetch.requests = [];
  return fetch;
}

/** Lets pending promise callbacks and I/O callbacks run (also under mocked timers, which leave setImmediate alone). */
export const settle = () => new Promise((r) => setImmediate(r));
