// One run of @vertx/eventbus-bridge-client.js over sockjs-client against a node's /eventbus, forced onto one
// SockJS transport. Usage: node bridge-client.cjs <edge url> <ingest url> <channel> <transport>
// Publishes through the ingest API itself, checks with node:assert, prints one JSON summary line, exits 0 when
// every check passed (1 otherwise, or after 20 s).
'use strict';
const assert = require('node:assert/strict');
const EventBus = require('@vertx/eventbus-bridge-client.js');

const [edge, ingest, channel, transport] = process.argv.slice(2);
let step = 'connecting';
const deadline = setTimeout(() => fail(new Error(`no result within 20 s, at: ${step}`)), 20000);

function fail(error) {
  console.error(error.stack || String(error));
  process.exit(1);
}

async function publish(n) {
  const reply = await fetch(`${ingest}/channels/${channel}/messages`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ n }),
  });
  const body = await reply.text();
  assert.equal(reply.status, 200, body);
  return JSON.parse(body);
}

/** Calls of a handler, awaited one by one: next() resolves with the next (err, msg) pair. */
function inbox() {
  const queued = [];
  const waiting = [];
  return {
    handler: (err, msg) => (waiting.length ? waiting.shift()({ err, msg }) : queued.push({ err, msg })),
    next: () => (queued.length ? Promise.resolve(queued.shift()) : new Promise((r) => waiting.push(r))),
  };
}

async function run(eb) {
  step = 'reading the channel position';
  const page = await (await fetch(`${ingest}/channels/${channel}/messages?since=0`)).json();
  const { epoch, offset: start } = page;
  for (let n = 1; n <= 3; n++) await publish(n);

  // resume from where the channel was: the three stored messages, then live ones, in order
  step = 'resuming';
  const prices = inbox();
  eb.registerHandler(channel, { epoch, offset: String(start) }, prices.handler);
  const received = [];
  for (let n = 1; n <= 3; n++) received.push(await prices.next());
  step = 'receiving live messages';
  for (let n = 4; n <= 5; n++) await publish(n);
  for (let n = 4; n <= 5; n++) received.push(await prices.next());
  received.forEach(({ err, msg }, i) => {
    assert.equal(err, null);
    assert.equal(msg.type, 'rec');
    assert.deepEqual(msg.body, { n: i + 1 });
    assert.equal(msg.headers.channel, channel);
    assert.equal(msg.headers.epoch, epoch);
    assert.equal(msg.headers.offset, String(start + i + 1));
  });

  // send and publish are refused: a send's reply handler gets the error, a publish's goes to the channel's handler
  step = 'sending';
  const sent = await new Promise((resolve) => eb.send(channel, { n: 0 }, {}, (err) => resolve(err)));
  assert.equal(sent.failureType, 'permission_denied');
  step = 'publishing';
  eb.publish(channel, { n: 0 });
  assert.equal((await prices.next()).err.failureType, 'permission_denied');

  // internal event-bus addresses are not channels anyone can register
  step = 'registering internal addresses';
  const refused = {};
  for (const address of [`tslm.ch.${channel}`, '__vertx.reply.1']) {
    const box = inbox();
    eb.registerHandler(address, box.handler);
    refused[address] = (await box.next()).err.failureType;
    eb.unregisterHandler(address, box.handler);
  }
  assert.deepEqual(Object.values(refused).map((t) => ['channel_not_found', 'bad_request'].includes(t)), [true, true]);

  // a resume from an epoch the channel no longer has says so, then goes on live
  step = 'resuming from a lost epoch';
  eb.unregisterHandler(channel, prices.handler);
  const resumed = inbox();
  eb.registerHandler(channel, { since: `gone:5` }, resumed.handler);
  const gap = (await resumed.next()).err;
  assert.equal(gap.failureType, 'not_recovered');
  await publish(6);
  assert.equal((await resumed.next()).msg.headers.offset, String(start + 6));

  return { transport: eb.sockJSConn.transport, received: received.length, refused, gap: gap.failureType };
}

const eb = new EventBus(`${edge}/eventbus`, { transports: [transport] });
eb.onopen = () =>
  run(eb).then((summary) => {
    clearTimeout(deadline);
    assert.equal(summary.transport, transport, 'the transport in use');
    console.log(JSON.stringify(summary));
    eb.onclose = null;
    eb.close();
    process.exit(0);
  }, fail);
eb.onclose = (e) => fail(new Error(`the session closed (${e && e.code} ${e && e.reason}), at: ${step}`));
eb.onerror = (e) => fail(new Error('unexpected error frame: ' + JSON.stringify(e)));
