import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, backoffDelay, mayReconnect, positionToken } from '../../client.js';
import { fakeWebSocket, fakeEventSource, next, until, message } from './fakes.js';

const FAST = { initialMs: 5, maxMs: 20, factor: 2, jitter: 0 };

/** No test reaches the network: a failed SSE open's explaining fetch fails like a refused connection. */
const offline = async () => {
  throw new TypeError('fetch failed');
};

function setup(options = {}) {
  const WebSocket = fakeWebSocket();
  const EventSource = fakeEventSource();
  const client = connect('http://127.0.0.1:8080', { WebSocket, EventSource, fetch: offline, backoff: FAST, ...options });
  return { client, WebSocket, EventSource };
}

/** A client subscribed to `channel` over an open fake WebSocket, with the subscribe reply at `offset`. */
async function subscribed(channel = 'prices', epoch = 'e1', offset = 0, options = {}) {
  const s = setup(options);
  s.got = [];
  s.sub = s.client.subscribe(channel, (m) => s.got.push(m));
  await until(() => s.WebSocket.instances.length === 1, 'the socket');
  s.ws = s.WebSocket.instances[0];
  s.ws.accept();
  s.ws.replyTo('subscribe', channel, { result: { channel, epoch, offset } });
  return s;
}

test('subscribes once the socket opens, delivers messages, drops duplicates and older offsets', async () => {
  const { client, ws, got, sub } = await subscribed('prices', 'e1', 41);
  assert.equal(ws.url, 'ws://127.0.0.1:8080/ws');
  assert.equal(client.transport, 'websocket');
  assert.deepEqual(ws.sent[0], { op: 'subscribe', channel: 'prices', id: 1 });
  for (const offset of [42, 43, 43, 41, 44]) ws.push(message('prices', 'e1', offset));
  assert.deepEqual(got.map((m) => m.offset), [42, 43, 44]);
  assert.deepEqual(got[0], { channel: 'prices', offset: 42, epoch: 'e1', data: { n: 42 }, ts: 1764123456831 });
  assert.deepEqual(sub.position, { epoch: 'e1', offset: 44 });
  client.close();
});

test('reconnects after a 4001 with backoff and resumes from the last offset, dropping the replayed duplicate', async () => {
  const { client, WebSocket, ws, got } = await subscribed('prices', 'e1', 0);
  ws.push(message('prices', 'e1', 1));
  ws.push(message('prices', 'e1', 2));
  const closed = next(client, 'close');
  const reconnect = next(client, 'reconnect');
  ws.push({ type: 'disconnect', code: 4001, reason: 'slow consumer: outbound queue full', reconnect: true });
  ws.drop(4001, 'slow consumer: outbound queue full');
  assert.deepEqual(await closed, { code: 4001, reason: 'slow consumer: outbound queue full', willReconnect: true });
  assert.deepEqual(await reconnect, { attempt: 1, delayMs: 5 });
  assert.equal(client.transport, null);
  await until(() => WebSocket.instances.length === 2, 'the second socket');
  const again = WebSocket.instances[1];
  const opened = next(client, 'open');
  again.accept();
  assert.deepEqual(await opened, { transport: 'websocket' });
  assert.deepEqual(again.sent[0], { op: 'subscribe', channel: 'prices', id: 1, since: { epoch: 'e1', offset: 2 } });
  again.replyTo('subscribe', 'prices', { result: { channel: 'prices', epoch: 'e1', offset: 3, recovered: true, first_available: 1 } });
  again.push(message('prices', 'e1', 2));
  again.push(message('prices', 'e1', 3));
  assert.deepEqual(got.map((m) => m.offset), [1, 2, 3]);
  client.close();
});

for (const [code, notice] of [
  [1009, { type: 'disconnect', code: 1009, reason: 'message too big', reconnect: false }],
  [4500, null],
  [4999, null],
  [4002, { type: 'disconnect', code: 4002, reason: 'custom', reconnect: false }],
]) {
  test(`does not reconnect after close ${code}${notice ? ' with its notice' : ''}`, async () => {
    const { client, WebSocket, ws } = await subscribed();
    let reconnects = 0;
    client.addEventListener('reconnect', () => reconnects++);
    const closed = next(client, 'close');
    if (notice) ws.push(notice);
    ws.drop(code, 'bye');
    assert.deepEqual(await closed, { code, reason: 'bye', willReconnect: false });
    await new Promise((r) => setTimeout(r, 30)); // four backoff periods: a reconnect would have started
    assert.equal(reconnects, 0);
    assert.equal(WebSocket.instances.length, 1);
    assert.equal(client.transport, null);
  });
}

test('a network close (1006) reconnects', async () => {
  const { client, WebSocket, ws } = await subscribed();
  const closed = next(client, 'close');
  ws.drop(1006, '');
  assert.equal((await closed).willReconnect, true);
  await until(() => WebSocket.instances.length === 2, 'the second socket');
  client.close();
});

test('falls back to SSE when the WebSocket cannot open, with the channel and position in the URL', async () => {
  const { client, WebSocket, EventSource } = setup({ token: 'secret' });
  const got = [];
  client.subscribe('a', (m) => got.push(m), { since: { epoch: 'e1', offset: 7 } });
  client.subscribe('b:1', (m) => got.push(m));
  await until(() => WebSocket.instances.length === 1, 'the socket');
  assert.deepEqual(WebSocket.instances[0].protocols, ['secret']);
  WebSocket.instances[0].drop(1006, '');
  await until(() => EventSource.instances.length === 1, 'the event source');
  const es = EventSource.instances[0];
  assert.equal(es.url.pathname, '/sse');
  assert.deepEqual(es.url.searchParams.getAll('channel'), ['a', 'b:1']);
  assert.equal(es.url.searchParams.get('last_event_id'), 'a:e1:7');
  assert.equal(es.url.searchParams.get('token'), 'secret');
  const opened = next(client, 'open');
  es.accept();
  assert.deepEqual(await opened, { transport: 'sse' });
  assert.equal(client.transport, 'sse');
  es.event('subscribed', { channel: 'a', epoch: 'e1', offset: 9, recovered: true, first_available: 1 });
  es.event('subscribed', { channel: 'b:1', epoch: 'e2', offset: 0 });
  es.event('message', message('a', 'e1', 8));
  es.event('message', message('b:1', 'e2', 1));
  es.event('message', message('a', 'e1', 8));
  es.event('message', message('a', 'e1', 9));
  assert.deepEqual(got.map((m) => `${m.channel}@${m.offset}`), ['a@8', 'b:1@1', 'a@9']);
  client.close();
  assert.equal(es.closed, true);
});

test('without a WebSocket global it goes straight to SSE', async () => {
  const EventSource = fakeEventSource();
  const saved = globalThis.WebSocket;
  delete globalThis.WebSocket;
  try {
    const client = connect('https://example.test', { EventSource, fetch: offline, backoff: FAST });
    client.subscribe('a', () => {});
    await until(() => EventSource.instances.length === 1, 'the event source');
    assert.equal(EventSource.instances[0].url.origin, 'https://example.test');
    client.close();
  } finally {
    if (saved) globalThis.WebSocket = saved;
  }
});

test('a socket that never opens is abandoned after openTimeoutMs for the next transport', async () => {
  const { client, WebSocket, EventSource } = setup({ openTimeoutMs: 10 });
  client.subscribe('a', () => {});
  await until(() => EventSource.instances.length === 1, 'the event source');
  assert.equal(WebSocket.instances[0].closed, 1005);
  client.close();
});

test('when every transport fails it backs off and the next round starts with the one that last opened', async () => {
  const { client, WebSocket, EventSource } = setup();
  client.subscribe('a', () => {});
  const delays = [];
  client.addEventListener('reconnect', (e) => delays.push(e.detail));
  await until(() => WebSocket.instances.length === 1);
  WebSocket.instances[0].drop(1006, '');
  await until(() => EventSource.instances.length === 1);
  EventSource.instances[0].fail();
  await until(() => WebSocket.instances.length === 2, 'the second round');
  assert.deepEqual(delays, [{ attempt: 1, delayMs: 5 }]);
  WebSocket.instances[1].drop(1006, '');
  await until(() => EventSource.instances.length === 2);
  EventSource.instances[1].fail();
  await until(() => WebSocket.instances.length === 3, 'the third round');
  assert.deepEqual(delays.map((d) => d.delayMs), [5, 10]);
  WebSocket.instances[2].drop(1006, '');
  await until(() => EventSource.instances.length === 3);
  EventSource.instances[2].accept();
  EventSource.instances[2].fail(); // the open stream ends: reconnect, SSE first now
  await until(() => EventSource.instances.length === 4, 'SSE tried first');
  assert.equal(WebSocket.instances.length, 3);
  assert.deepEqual(delays.map((d) => d.delayMs), [5, 10, 5]); // an open resets the attempts
  client.close();
});

test('SSE: the disconnect notice decides, and the server error event is reported without closing', async () => {
  const { client, WebSocket, EventSource } = setup({ transports: ['sse'] });
  client.subscribe('a', () => {});
  await until(() => EventSource.instances.length === 1);
  const es = EventSource.instances[0];
  es.accept();
  const error = next(client, 'error');
  es.event('error', { error: { code: 'channel_not_found', message: 'no such channel: a' } });
  assert.deepEqual(await error, { code: 'channel_not_found', message: 'no such channel: a' });
  assert.equal(es.closed, false);
  const closed = next(client, 'close');
  es.event('disconnect', { type: 'disconnect', code: 4000, reason: 'server shutting down', reconnect: true });
  es.fail();
  assert.deepEqual(await closed, { code: 4000, reason: 'server shutting down', willReconnect: true });
  await until(() => EventSource.instances.length === 2);
  assert.equal(WebSocket.instances.length, 0);
  client.close();
});

test('SSE: subscribing and unsubscribing reopen the stream from every position', async () => {
  const { client, EventSource } = setup({ transports: ['sse'] });
  const a = client.subscribe('a', () => {});
  await until(() => EventSource.instances.length === 1);
  const first = EventSource.instances[0];
  first.accept();
  first.event('subscribed', { channel: 'a', epoch: 'e1', offset: 4 });
  first.event('message', message('a', 'e1', 5));
  client.subscribe('b', () => {});
  client.subscribe('c', () => {});
  await until(() => EventSource.instances.length === 2, 'one new stream for both');
  assert.equal(first.closed, true);
  const second = EventSource.instances[1];
  assert.deepEqual(second.url.searchParams.getAll('channel'), ['a', 'b', 'c']);
  assert.equal(second.url.searchParams.get('last_event_id'), 'a:e1:5');
  a.unsubscribe();
  await until(() => EventSource.instances.length === 3);
  assert.deepEqual(EventSource.instances[2].url.searchParams.getAll('channel'), ['b', 'c']);
  client.close();
});

test('SSE: channels subscribed while the stream opens are added once it is open', async () => {
  const { client, EventSource } = setup({ transports: ['sse'] });
  client.subscribe('a', () => {});
  await until(() => EventSource.instances.length === 1);
  client.subscribe('b', () => {});
  EventSource.instances[0].accept();
  await until(() => EventSource.instances.length === 2, 'a stream with both');
  assert.deepEqual(EventSource.instances[1].url.searchParams.getAll('channel'), ['a', 'b']);
  client.close();
});

test('SSE: a refused stream is explained by the status and body fetched from the same URL', async () => {
  const fetched = [];
  const fetch = async (url) => {
    fetched.push(String(url));
    return new Response(JSON.stringify({ error: { code: 'channel_not_found', message: 'no such channel: a' } }),
      { status: 404, headers: { 'Content-Type': 'application/json' } });
  };
  const { client, EventSource } = setup({ transports: ['sse'], fetch });
  client.subscribe('a', () => {});
  await until(() => EventSource.instances.length === 1);
  const error = next(client, 'error');
  EventSource.instances[0].fail();
  assert.deepEqual(await error, { code: 'channel_not_found', message: 'no such channel: a', status: 404 });
  assert.deepEqual(fetched, [EventSource.instances[0].url.href]);
  client.close();
});

test('a resume that could not recover raises gap once; the replay from first_available follows', async () => {
  const { client, WebSocket, ws, got } = await subscribed('p', 'e1', 40);
  ws.push(message('p', 'e1', 41));
  ws.drop(1006, '');
  await until(() => WebSocket.instances.length === 2);
  const again = WebSocket.instances[1];
  again.accept();
  const gaps = [];
  client.addEventListener('gap', (e) => gaps.push(e.detail));
  again.replyTo('subscribe', 'p', { result: { channel: 'p', epoch: 'e1', offset: 2204, recovered: false, first_available: 1205 } });
  again.push(message('p', 'e1', 1205));
  again.push(message('p', 'e1', 1206));
  assert.deepEqual(gaps, [{ channel: 'p', epoch: 'e1', lastOffset: 41, firstAvailable: 1205 }]);
  assert.deepEqual(got.map((m) => m.offset), [41, 1205, 1206]);
  client.close();
});

test('a new epoch raises gap and delivery continues in the new epoch', async () => {
  const { client, WebSocket, ws, got, sub } = await subscribed('p', 'old', 0);
  ws.push(message('p', 'old', 1));
  ws.push(message('p', 'old', 2));
  ws.drop(4000, 'server shutting down');
  await until(() => WebSocket.instances.length === 2);
  const again = WebSocket.instances[1];
  again.accept();
  const gap = next(client, 'gap');
  again.replyTo('subscribe', 'p', { result: { channel: 'p', epoch: 'new', offset: 3, recovered: false, first_available: 1 } });
  assert.deepEqual(await gap, { channel: 'p', epoch: 'new', lastOffset: 2, firstAvailable: 1 });
  again.push(message('p', 'new', 4));
  assert.deepEqual(got.map((m) => `${m.epoch}:${m.offset}`), ['old:1', 'old:2', 'new:4']);
  assert.deepEqual(sub.position, { epoch: 'new', offset: 4 });
  client.close();
});

test('a jump in a live stream is a gap', async () => {
  const { client, ws } = await subscribed('p', 'e1', 0);
  const gap = next(client, 'gap');
  ws.push(message('p', 'e1', 1));
  ws.push(message('p', 'e1', 3));
  assert.deepEqual(await gap, { channel: 'p', epoch: 'e1', lastOffset: 1, firstAvailable: 3 });
  client.close();
});

test('a refused subscribe is reported with its channel; rate_limited is sent again', async () => {
  const { client, WebSocket } = setup();
  client.subscribe('missing', () => {});
  client.subscribe('busy', () => {});
  await until(() => WebSocket.instances.length === 1);
  const ws = WebSocket.instances[0];
  ws.accept();
  const error = next(client, 'error');
  ws.replyTo('subscribe', 'missing', { error: { code: 'channel_not_found', message: 'no such channel: missing' } });
  assert.deepEqual(await error, { code: 'channel_not_found', message: 'no such channel: missing', channel: 'missing' });
  ws.replyTo('subscribe', 'busy', { error: { code: 'rate_limited', message: 'more than 100 commands per second' } });
  await until(() => ws.sent.filter((c) => c.channel === 'busy').length === 2, 'the retry');
  client.close();
});

test('unsubscribe over WebSocket sends the command and stops delivery', async () => {
  const { client, ws, got, sub } = await subscribed('p', 'e1', 0);
  sub.unsubscribe();
  assert.deepEqual(ws.sent.at(-1), { op: 'unsubscribe', channel: 'p', id: 2 });
  ws.push(message('p', 'e1', 1));
  assert.equal(got.length, 0);
  client.close();
});

test('a throwing handler does not stop the others', async () => {
  const { client, ws, got } = await subscribed('p', 'e1', 0);
  const errors = [];
  const saved = globalThis.reportError;
  globalThis.reportError = (e) => errors.push(e.message);
  try {
    client.subscribe('p', () => { throw new Error('handler bug'); });
    ws.push(message('p', 'e1', 1));
  } finally {
    globalThis.reportError = saved;
  }
  assert.equal(got.length, 1);
  assert.deepEqual(errors, ['handler bug']);
  client.close();
});

test('close() is final and emits one close', async () => {
  const { client, WebSocket, ws } = await subscribed();
  const closes = [];
  client.addEventListener('close', (e) => closes.push(e.detail));
  client.close();
  client.close();
  assert.equal(ws.closed, 1000);
  assert.deepEqual(closes, [{ code: 1000, reason: 'closed by the client', willReconnect: false }]);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(WebSocket.instances.length, 1);
});

test('backoffDelay: exponential from initialMs, capped at maxMs, jitter takes up to its share off', () => {
  const b = { initialMs: 1000, maxMs: 30000, factor: 2, jitter: 0.5 };
  assert.deepEqual([1, 2, 3, 5, 6, 10].map((a) => backoffDelay(a, b, () => 0)), [1000, 2000, 4000, 16000, 30000, 30000]);
  assert.equal(backoffDelay(2, b, () => 0.999999), 1000);
  assert.equal(backoffDelay(2, b, () => 0.5), 1500);
});

test('mayReconnect follows the close codes of docs/protocol.md', () => {
  assert.equal(mayReconnect(1006), true);
  assert.equal(mayReconnect(1000), true);
  assert.equal(mayReconnect(4003), true);
  assert.equal(mayReconnect(4499), true);
  assert.equal(mayReconnect(1009), false);
  assert.equal(mayReconnect(4500), false);
  assert.equal(mayReconnect(4001, { reconnect: false }), false);
});

test('positionToken joins channel:epoch:offset entries with commas', () => {
  assert.equal(positionToken([{ channel: 'a:b', epoch: 'e1', offset: 3 }, { channel: 'c', epoch: 'e2', offset: 0 }]), 'a:b:e1:3,c:e2:0');
});

test('bad arguments throw a TypeError', () => {
  assert.throws(() => connect('ftp://x'), TypeError);
  assert.throws(() => connect('http://x', { transports: ['carrier-pigeon'] }), TypeError);
  const client = connect('http://x', { WebSocket: fakeWebSocket() });
  assert.throws(() => client.subscribe('', () => {}), TypeError);
  assert.throws(() => client.subscribe('a', null), TypeError);
  assert.throws(() => client.subscribe('a', () => {}, { since: { epoch: 'e', offset: -1 } }), TypeError);
  client.close();
});
