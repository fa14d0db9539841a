// Signing on with a token callback: auth before subscribe over WebSocket, refresh ahead of expiry, refusals, close
// 4004, and SSE read with fetch (Authorization header, session event, POST /sse/auth).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, refreshDelay, SseParser } from '../../client.js';
import { fakeWebSocket, fakeEventSource, fakeFetch, next, until, settle, message } from './fakes.js';

const FAST = { initialMs: 5, maxMs: 20, factor: 2, jitter: 0 };
const HOUR = 3600_000;

/** A token callback handing out jwt-1, jwt-2, ... and counting its calls. */
function tokens() {
  const source = async () => `jwt-${++source.calls}`;
  source.calls = 0;
  return source;
}

function setup(options = {}) {
  const WebSocket = fakeWebSocket();
  const EventSource = fakeEventSource();
  const fetch = fakeFetch();
  const token = options.token ?? tokens();
  const client = connect('http://127.0.0.1:8080', { WebSocket, EventSource, fetch, backoff: FAST, ...options, token });
  return { client, WebSocket, EventSource, fetch, token };
}

/** Answers the socket's last auth command. */
function authReply(ws, reply) {
  const command = ws.sent.findLast((c) => c.op === 'auth');
  ws.push({ type: 'reply', id: command.id, ...reply });
  return command;
}

/** A client signed on and subscribed to `channel` over an open fake WebSocket. */
async function signedOn(expiresAt = Date.now() + HOUR, options = {}) {
  const s = setup(options);
  s.got = [];
  s.sub = s.client.subscribe('prices', (m) => s.got.push(m));
  await until(() => s.WebSocket.instances.length === 1, 'the socket');
  s.ws = s.WebSocket.instances[0];
  s.ws.accept();
  authReply(s.ws, { result: { kind: 'user', subject: 'alice', expires_at: expiresAt } });
  s.ws.replyTo('subscribe', 'prices', { result: { channel: 'prices', epoch: 'e1', offset: 0 } });
  return s;
}

test('WebSocket: auth is sent first, and subscribing waits for its result', async () => {
  const { client, WebSocket, token } = setup();
  client.subscribe('prices', () => {});
  await until(() => WebSocket.instances.length === 1, 'the socket');
  const ws = WebSocket.instances[0];
  assert.equal(ws.url, 'ws://127.0.0.1:8080/ws');
  assert.equal(ws.protocols, undefined, 'the credential is never a sub-protocol');
  let opened = false;
  client.addEventListener('open', () => (opened = true));
  ws.accept();
  assert.deepEqual(ws.sent, [{ op: 'auth', id: 1, token: 'jwt-1' }]);
  assert.equal(opened, false);
  assert.equal(client.transport, null);
  authReply(ws, { result: { kind: 'user', subject: 'alice', expires_at: Date.now() + HOUR } });
  assert.equal(opened, true);
  assert.deepEqual(ws.sent.slice(1), [{ op: 'subscribe', channel: 'prices', id: 2 }]);
  assert.equal(token.calls, 1);
  client.close();
});

test('WebSocket: a callback returning null connects anonymously, without auth', async () => {
  const { client, WebSocket } = setup({ token: async () => null });
  client.subscribe('prices', () => {});
  await until(() => WebSocket.instances.length === 1, 'the socket');
  WebSocket.instances[0].accept();
  assert.deepEqual(WebSocket.instances[0].sent, [{ op: 'subscribe', channel: 'prices', id: 1 }]);
  client.close();
});

for (const code of ['unauthenticated', 'invalid_token', 'token_expired']) {
  test(`WebSocket: ${code} in reply to auth on connect is reported and retried with backoff and a new token`, async () => {
    const { client, WebSocket, token } = setup();
    client.subscribe('prices', () => {});
    await until(() => WebSocket.instances.length === 1, 'the socket');
    const ws = WebSocket.instances[0];
    ws.accept();
    const error = next(client, 'error');
    const reconnect = next(client, 'reconnect');
    authReply(ws, { error: { code, message: 'no' } });
    assert.deepEqual(await error, { code, message: 'no', auth: 'connect' });
    assert.deepEqual(await reconnect, { attempt: 1, delayMs: 5 });
    assert.equal(ws.closed, 1000);
    await until(() => WebSocket.instances.length === 2, 'the retry');
    WebSocket.instances[1].accept();
    assert.deepEqual(WebSocket.instances[1].sent, [{ op: 'auth', id: 1, token: 'jwt-2' }]);
    assert.equal(token.calls, 2);
    client.close();
  });
}

for (const [what, callback] of [
  ['throws', async () => { throw new Error('SSO down'); }],
  ['returns nothing', async () => {}],
  ['returns a number', () => 42],
]) {
  test(`a token callback that ${what} is an error event, then a retry with backoff`, async () => {
    let calls = 0;
    const { client, WebSocket } = setup({ token: () => (++calls === 1 ? callback() : 'jwt-ok') });
    client.subscribe('prices', () => {});
    const error = await next(client, 'error');
    assert.equal(error.code, 'token_unavailable');
    assert.equal(error.auth, 'connect');
    assert.equal(WebSocket.instances.length, 0, 'no socket opened without a credential');
    await until(() => WebSocket.instances.length === 1, 'the retry');
    WebSocket.instances[0].accept();
    assert.deepEqual(WebSocket.instances[0].sent, [{ op: 'auth', id: 1, token: 'jwt-ok' }]);
    client.close();
  });
}

test('a token callback that never settles is given up after openTimeoutMs', async () => {
  const { client, WebSocket } = setup({ token: () => new Promise(() => {}), openTimeoutMs: 10 });
  client.subscribe('prices', () => {});
  const error = await next(client, 'error');
  assert.equal(error.code, 'token_unavailable');
  assert.match(error.message, /did not settle within 10 ms/);
  assert.equal(WebSocket.instances.length, 0);
  client.close();
});

test('refreshDelay: 80% of the remaining lifetime, at least 5 s before expiry, half-way under 10 s', () => {
  assert.equal(refreshDelay(100_000, 0), 80_000);
  assert.equal(refreshDelay(20_000, 0), 15_000);
  assert.equal(refreshDelay(10_000, 0), 5_000);
  assert.equal(refreshDelay(4_000, 0), 2_000);
  assert.equal(refreshDelay(1_000, 5_000), 0);
});

test('WebSocket: the credential is refreshed with auth on the open socket at 80% of its lifetime', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
  const { client, ws, token, got } = await signedOn(Date.now() + 100_000);
  try {
    ws.sent.length = 0;
    t.mock.timers.tick(79_999);
    await settle();
    assert.equal(token.calls, 1);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(token.calls, 2);
    assert.deepEqual(ws.sent, [{ op: 'auth', id: 3, token: 'jwt-2' }]);
    authReply(ws, { result: { kind: 'user', subject: 'alice', expires_at: Date.now() + 20_000 } });
    t.mock.timers.tick(14_999);
    await settle();
    assert.equal(token.calls, 2);
    t.mock.timers.tick(1);
    await settle();
    assert.deepEqual(ws.sent.at(-1), { op: 'auth', id: 4, token: 'jwt-3' });
    ws.push(message('prices', 'e1', 1));
    assert.deepEqual(got.map((m) => m.offset), [1], 'the subscription carried on');
    assert.equal(ws.closed, null);
  } finally {
    client.close();
  }
});

test('WebSocket: a credential without expiry is never refreshed', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
  const { client, token } = await signedOn(null);
  t.mock.timers.tick(10 * HOUR);
  await settle();
  assert.equal(token.calls, 1);
  client.close();
});

for (const code of ['permission_denied', 'invalid_token']) {
  test(`WebSocket: a refresh refused with ${code} is reported and the connection keeps going`, async () => {
    const { client, ws, got } = await signedOn(Date.now() + 30);
    await until(() => ws.sent.filter((c) => c.op === 'auth').length === 2, 'the refresh');
    const error = next(client, 'error');
    authReply(ws, { error: { code, message: 'refused' } });
    assert.deepEqual(await error, { code, message: 'refused', auth: 'refresh' });
    ws.push(message('prices', 'e1', 1));
    assert.deepEqual(got.map((m) => m.offset), [1]);
    assert.equal(ws.closed, null);
    assert.equal(client.transport, 'websocket');
    client.close();
  });
}

test('WebSocket: a refresh answered rate_limited is sent again a second later', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
  const { client, ws, token, errors = [] } = await signedOn(Date.now() + 100_000);
  client.addEventListener('error', (e) => errors.push(e.detail));
  t.mock.timers.tick(80_000);
  await settle();
  authReply(ws, { error: { code: 'rate_limited', message: 'more than 100 commands per second' } });
  t.mock.timers.tick(1_000);
  await settle();
  assert.equal(token.calls, 3);
  assert.deepEqual(ws.sent.at(-1), { op: 'auth', id: 4, token: 'jwt-3' });
  assert.deepEqual(errors, []);
  client.close();
});

test('WebSocket: close 4004 gets a fresh token and reconnects with resume, with the usual first delay', async () => {
  const { client, WebSocket, ws, got, token } = await signedOn();
  ws.push(message('prices', 'e1', 1));
  const closed = next(client, 'close');
  const reconnect = next(client, 'reconnect');
  ws.push({ type: 'disconnect', code: 4004, reason: 'token expired', reconnect: true });
  ws.drop(4004, 'token expired');
  assert.deepEqual(await closed, { code: 4004, reason: 'token expired', willReconnect: true });
  assert.deepEqual(await reconnect, { attempt: 1, delayMs: 5 });
  await until(() => WebSocket.instances.length === 2, 'the new socket');
  const again = WebSocket.instances[1];
  again.accept();
  assert.equal(token.calls, 2);
  assert.deepEqual(again.sent, [{ op: 'auth', id: 1, token: 'jwt-2' }]);
  authReply(again, { result: { kind: 'user', subject: 'alice', expires_at: Date.now() + HOUR } });
  assert.deepEqual(again.sent[1], { op: 'subscribe', channel: 'prices', id: 2, since: { epoch: 'e1', offset: 1 } });
  again.replyTo('subscribe', 'prices', { result: { channel: 'prices', epoch: 'e1', offset: 2, recovered: true, first_available: 1 } });
  again.push(message('prices', 'e1', 2));
  assert.deepEqual(got.map((m) => m.offset), [1, 2]);
  client.close();
});

// ---- SSE with a token: fetch, Authorization, the session event, POST /sse/auth

/** A client on SSE only, subscribed to `prices`, whose first stream request has been made. */
async function sse(options = {}) {
  const s = setup({ transports: ['sse'], ...options });
  s.got = [];
  s.sub = s.client.subscribe('prices', (m) => s.got.push(m), options.since ? { since: options.since } : undefined);
  await until(() => s.fetch.requests.length === 1, 'the stream request');
  s.request = s.fetch.requests[0];
  return s;
}

test('SSE: with a token the stream is fetched with Authorization, never a token in the URL', async () => {
  const { client, EventSource, request, got } = await sse({ since: { epoch: 'e1', offset: 7 } });
  assert.equal(EventSource.instances.length, 0);
  assert.equal(request.url.pathname, '/sse');
  assert.deepEqual(request.url.searchParams.getAll('channel'), ['prices']);
  assert.equal(request.url.searchParams.get('last_event_id'), 'prices:e1:7');
  assert.equal(request.url.searchParams.has('token'), false);
  assert.deepEqual(request.headers, { Accept: 'text/event-stream', Authorization: 'Bearer jwt-1' });
  const opened = next(client, 'open');
  const stream = request.stream();
  assert.deepEqual(await opened, { transport: 'sse' });
  stream.write('retry: 2000\n\n');
  stream.event('session', { stream: 'str-1', expires_at: Date.now() + HOUR });
  stream.event('subscribed', { channel: 'prices', epoch: 'e1', offset: 9, recovered: true, first_available: 1 });
  stream.write(': ping\n\n');
  stream.event('message', message('prices', 'e1', 8));
  stream.event('message', message('prices', 'e1', 9));
  await until(() => got.length === 2, 'two messages');
  assert.deepEqual(got.map((m) => m.offset), [8, 9]);
  client.close();
  await until(() => request.aborted, 'the request aborted');
});

test('SSE: the session is refreshed with POST /sse/auth {stream, token} and the stream carries on', async () => {
  const { client, fetch, request, got } = await sse();
  const stream = request.stream();
  stream.event('session', { stream: 'str-1', expires_at: Date.now() + 30 });
  stream.event('subscribed', { channel: 'prices', epoch: 'e1', offset: 0 });
  await until(() => fetch.requests.length === 2, 'the refresh');
  const refresh = fetch.requests[1];
  assert.equal(refresh.method, 'POST');
  assert.equal(refresh.url.href, 'http://127.0.0.1:8080/sse/auth');
  assert.deepEqual(refresh.headers, { 'Content-Type': 'application/json' });
  assert.deepEqual(refresh.body, { stream: 'str-1', token: 'jwt-2' });
  refresh.json(200, { expires_at: Date.now() + HOUR });
  stream.event('message', message('prices', 'e1', 1));
  await until(() => got.length === 1, 'the message');
  assert.equal(request.aborted, false);
  assert.equal(fetch.requests.length, 2);
  client.close();
});

test('SSE: a refresh refused with permission_denied is reported; the stream keeps going', async () => {
  const { client, fetch, request, got } = await sse();
  const stream = request.stream();
  stream.event('session', { stream: 'str-1', expires_at: Date.now() + 30 });
  await until(() => fetch.requests.length === 2, 'the refresh');
  const error = next(client, 'error');
  fetch.requests[1].json(403, { error: { code: 'permission_denied', message: 'not for prices' } });
  assert.deepEqual(await error, { code: 'permission_denied', message: 'not for prices', status: 403, auth: 'refresh' });
  stream.event('subscribed', { channel: 'prices', epoch: 'e1', offset: 0 });
  stream.event('message', message('prices', 'e1', 1));
  await until(() => got.length === 1, 'the message');
  assert.equal(request.aborted, false);
  client.close();
});

test('SSE: stream_not_found on refresh opens a new stream with a fresh token, resuming', async () => {
  const { client, fetch, request, got } = await sse();
  const stream = request.stream();
  stream.event('session', { stream: 'str-1', expires_at: Date.now() + 30 });
  stream.event('subscribed', { channel: 'prices', epoch: 'e1', offset: 0 });
  stream.event('message', message('prices', 'e1', 1));
  await until(() => fetch.requests.length === 2, 'the refresh');
  fetch.requests[1].json(404, { error: { code: 'stream_not_found', message: 'no such stream' } });
  await until(() => fetch.requests.length === 3, 'the new stream');
  assert.equal(request.aborted, true);
  const again = fetch.requests[2];
  assert.equal(again.url.searchParams.get('last_event_id'), 'prices:e1:1');
  assert.equal(again.headers.Authorization, 'Bearer jwt-3');
  const s2 = again.stream();
  s2.event('subscribed', { channel: 'prices', epoch: 'e1', offset: 2, recovered: true, first_available: 1 });
  s2.event('message', message('prices', 'e1', 2));
  await until(() => got.length === 2, 'the resumed message');
  assert.deepEqual(got.map((m) => m.offset), [1, 2]);
  client.close();
});

test('SSE: a disconnect 4004 ends the stream; the client reconnects with a fresh token and resumes', async () => {
  const { client, fetch, request } = await sse();
  const stream = request.stream();
  stream.event('subscribed', { channel: 'prices', epoch: 'e1', offset: 5 });
  const closed = next(client, 'close');
  stream.event('disconnect', { type: 'disconnect', code: 4004, reason: 'token expired', reconnect: true });
  stream.end();
  assert.deepEqual(await closed, { code: 4004, reason: 'token expired', willReconnect: true });
  await until(() => fetch.requests.length === 2, 'the reconnect');
  assert.equal(fetch.requests[1].headers.Authorization, 'Bearer jwt-2');
  assert.equal(fetch.requests[1].url.searchParams.get('last_event_id'), 'prices:e1:5');
  client.close();
});

test('SSE: a stream refused with 401 invalid_token is reported and retried with backoff and a new token', async () => {
  const { client, fetch, request } = await sse();
  const error = next(client, 'error');
  request.json(401, { error: { code: 'invalid_token', message: 'bad signature' } });
  assert.deepEqual(await error, { code: 'invalid_token', message: 'bad signature', status: 401, auth: 'connect' });
  await until(() => fetch.requests.length === 2, 'the retry');
  assert.equal(fetch.requests[1].headers.Authorization, 'Bearer jwt-2');
  client.close();
});

test('SSE: other refusals are reported and the round goes on to the next transport', async () => {
  const { client, WebSocket, fetch } = setup();
  client.subscribe('prices', () => {});
  await until(() => WebSocket.instances.length === 1, 'the socket');
  WebSocket.instances[0].drop(1006, '');
  await until(() => fetch.requests.length === 1, 'the stream request');
  const error = next(client, 'error');
  fetch.requests[0].json(404, { error: { code: 'channel_not_found', message: 'no such channel: prices' } });
  assert.deepEqual(await error, { code: 'channel_not_found', message: 'no such channel: prices', status: 404 });
  await until(() => WebSocket.instances.length === 2, 'the next round');
  client.close();
});

test('SSE: subscribing reopens the fetched stream with every position', async () => {
  const { client, fetch, request } = await sse();
  const stream = request.stream();
  stream.event('subscribed', { channel: 'prices', epoch: 'e1', offset: 3 });
  await settle();
  client.subscribe('news', () => {});
  await until(() => fetch.requests.length === 2, 'the new stream');
  assert.equal(request.aborted, true);
  assert.deepEqual(fetch.requests[1].url.searchParams.getAll('channel'), ['prices', 'news']);
  assert.equal(fetch.requests[1].url.searchParams.get('last_event_id'), 'prices:e1:3');
  client.close();
});

test('SSE: a stream that is not answered within openTimeoutMs is abandoned', async () => {
  const { client, request } = await sse({ openTimeoutMs: 10 });
  await next(client, 'reconnect');
  assert.equal(request.aborted, true);
  client.close();
});

test('SseParser: fields, comments, multi-line data, CRLF and UTF-8 split across chunks, BOM, retry', () => {
  const events = [];
  const parser = new SseParser((e) => events.push(e));
  const bytes = new TextEncoder().encode('\uFEFFretry: 2000\r\n: ping\r\nevent: session\r\nid: p:e:1\r\ndata: {"a":\r\ndata:"€"}\r\n\r\ndata: x\r');
  for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1)); // every byte alone
  parser.push(new TextEncoder().encode('\n\nevent: empty\n\nid\ndata\n\nfield-without-value\ndata: tail'));
  parser.end();
  assert.deepEqual(events, [
    { type: 'session', data: '{"a":\n"€"}', id: 'p:e:1' },
    { type: 'message', data: 'x', id: 'p:e:1' },
    { type: 'message', data: '', id: '' },
  ]);
  assert.equal(parser.retry, 2000);
});

test('SseParser: an endless line is refused instead of buffered', () => {
  const parser = new SseParser(() => {});
  const chunk = new TextEncoder().encode('data: '.padEnd(1 << 20, 'x'));
  assert.throws(() => {
    for (let i = 0; i < 5; i++) parser.push(chunk);
  }, /longer than/);
});

test('token must be a callback or a legacy token string; requireSignatures needs publicKeys', () => {
  assert.throws(() => connect('http://x', { token: 42 }), TypeError);
  assert.throws(() => connect('http://x', { requireSignatures: true }), TypeError);
});
