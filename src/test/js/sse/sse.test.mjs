// The gateway's /sse with the `eventsource` npm package (the EventSource of browsers, for Node): live events,
// a resume with Last-Event-ID through the backlog, and a refusal's status. Arguments: the edge and ingest URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventSource } from 'eventsource';

const [EDGE, INGEST] = process.argv.slice(2);
const TIMEOUT_MS = 10_000;

async function publish(channel, value) {
  const response = await fetch(`${INGEST}/channels/${channel}/messages`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ value }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** The next `count` message events of a stream, as parsed frames with their event ids. */
function next(source, count) {
  return new Promise((resolve, reject) => {
    const got = [];
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${count} messages`)), TIMEOUT_MS);
    source.onmessage = (event) => {
      got.push({ frame: JSON.parse(event.data), id: event.lastEventId });
      if (got.length === count) {
        clearTimeout(timer);
        source.onmessage = null;
        resolve(got);
      }
    };
  });
}

function subscribed(source) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no subscribed event')), TIMEOUT_MS);
    source.addEventListener('subscribed', (event) => {
      clearTimeout(timer);
      resolve(JSON.parse(event.data));
    }, { once: true });
  });
}

test('live messages, then a resume by Last-Event-ID that misses nothing and repeats nothing', async () => {
  const channel = `es.${process.pid}`;
  assert.equal((await fetch(`${INGEST}/channels/${channel}`, { method: 'PUT' })).status, 201);
  const first = new EventSource(`${EDGE}/sse?channel=${channel}`);
  try {
    const reply = await subscribed(first);
    assert.equal(reply.channel, channel);
    const live = next(first, 3);
    for (let i = 1; i <= 3; i++) await publish(channel, i);
    const got = await live;
    assert.deepEqual(got.map((m) => m.frame.offset), [1, 2, 3]);
    assert.deepEqual(got.map((m) => m.frame.data.value), [1, 2, 3]);
    assert.equal(got[0].frame.type, 'message');
    assert.ok(got[2].id.includes(`${channel}:${got[2].frame.epoch}:3`), got[2].id);
    first.close();

    for (let i = 4; i <= 6; i++) await publish(channel, i);
    const lastEventId = got[2].id;
    const resumed = new EventSource(`${EDGE}/sse?channel=${channel}`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, 'Last-Event-ID': lastEventId } }),
    });
    try {
      const replay = next(resumed, 3);
      const again = await subscribed(resumed);
      assert.equal(again.recovered, true, JSON.stringify(again));
      assert.deepEqual((await replay).map((m) => m.frame.offset), [4, 5, 6]);
    } finally {
      resumed.close();
    }
  } finally {
    first.close();
  }
});

test('a refused stream is an error event with the HTTP status, and EventSource does not retry it', async () => {
  const source = new EventSource(`${EDGE}/sse?channel=es.missing.${process.pid}`);
  const error = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no error event')), TIMEOUT_MS);
    source.onerror = (event) => { clearTimeout(timer); resolve(event); };
  });
  assert.equal(error.code, 404);
  assert.equal(source.readyState, EventSource.CLOSED);
});
