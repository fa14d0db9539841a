// Signed messages: RFC 8785 canonical JSON, Ed25519 and ECDSA P-256 signatures checked with WebCrypto before
// delivery, in order per channel; a message that fails is reported (`invalid`) and not delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { connect, canonicalJson, signingInput } from '../../client.js';
import { fakeWebSocket, next, until, settle, message } from './fakes.js';

const subtle = webcrypto.subtle;
const FAST = { initialMs: 5, maxMs: 20, factor: 2, jitter: 0 };
/** The page's clock: a minute after the test messages' timestamps (fakes.js). */
const NOW = 1764123456789 + 60_000;

/** A publisher's key pair: `spki` (base64) for publicKeys, `sign(frame)` adds kid and sig as a publisher would. */
async function signer(kid, kind) {
  const params = kind === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const signParams = kind === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  const pair = await subtle.generateKey(params, true, ['sign', 'verify']);
  const spki = Buffer.from(await subtle.exportKey('spki', pair.publicKey)).toString('base64');
  const sign = async (frame) => {
    const sig = await subtle.sign(signParams, pair.privateKey, signingInput(frame.channel, frame.data, frame.ts));
    return { ...frame, kid, sig: Buffer.from(sig).toString('base64url') };
  };
  return { kid, spki, sign };
}

const ed = await signer('signer-1', 'Ed25519');
const ec = await signer('signer-2', 'P-256');
const publicKeys = { [ed.kid]: ed.spki, [ec.kid]: ec.spki };

/** A client subscribed to `p` over an open fake WebSocket, with `invalid` events collected. */
async function subscribed(options = {}) {
  const WebSocket = fakeWebSocket();
  const client = connect('http://127.0.0.1:8080', { WebSocket, backoff: FAST, publicKeys, now: () => NOW, ...options });
  const s = { client, WebSocket, got: [], invalid: [], errors: [] };
  s.sub = client.subscribe('p', (m) => s.got.push(m));
  client.addEventListener('invalid', (e) => s.invalid.push(e.detail));
  client.addEventListener('error', (e) => s.errors.push(e.detail));
  await until(() => WebSocket.instances.length === 1, 'the socket');
  s.ws = WebSocket.instances[0];
  s.ws.accept();
  s.ws.replyTo('subscribe', 'p', { result: { channel: 'p', epoch: 'e1', offset: 0 } });
  return s;
}

/** IEEE-754 doubles by their bits, as RFC 8785 appendix B lists them. */
const double = (hex) => new DataView(Uint8Array.from(Buffer.from(hex, 'hex')).buffer).getFloat64(0);

test('canonicalJson: the number examples of RFC 8785 (appendix B)', () => {
  for (const [bits, expected] of [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ]) {
    assert.equal(canonicalJson(double(bits)), expected, bits);
  }
  assert.throws(() => canonicalJson(double('7fffffffffffffff')), TypeError); // NaN
  assert.throws(() => canonicalJson(double('7ff0000000000000')), TypeError); // Infinity
});

test('canonicalJson: RFC 8785 3.2.2 (whitespace, literals, strings) and 3.2.3 (key order by UTF-16 code units)', () => {
  const input = '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
    + ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}';
  assert.equal(canonicalJson(JSON.parse(input)),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  const sorting = JSON.parse('{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",'
    + ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}');
  // read the values in written order: JSON.parse would put the key "1" first again
  assert.deepEqual([...canonicalJson(sorting).matchAll(/:"([^"]*)"/g)].map((m) => m[1]), ['Carriage Return', 'One', 'Control',
    'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh']);
});

test('signingInput: the UTF-8 of the canonical {channel, data, ts}', () => {
  const bytes = signingInput('indicators.eu', { z: [1.0, 'é'], a: { y: null, b: true } }, 1764489600000);
  assert.equal(new TextDecoder().decode(bytes),
    '{"channel":"indicators.eu","data":{"a":{"b":true,"y":null},"z":[1,"é"]},"ts":1764489600000}');
  assert.equal(bytes.length, 92); // 91 characters, é takes two bytes
});

for (const key of [ed, ec]) {
  test(`a message signed with ${key === ed ? 'Ed25519' : 'ECDSA P-256'} is verified and delivered with kid and sig`, async () => {
    const { client, ws, got, invalid } = await subscribed();
    const signed = await key.sign(message('p', 'e1', 1, { price: 1.25, tags: ['a', 'b'] }));
    ws.push(signed);
    await until(() => got.length === 1, 'the delivery');
    assert.deepEqual(got[0], { channel: 'p', offset: 1, epoch: 'e1', data: { price: 1.25, tags: ['a', 'b'] }, ts: signed.ts, kid: key.kid, sig: signed.sig });
    assert.deepEqual(invalid, []);
    client.close();
  });
}

test('a tampered message is reported as invalid and not delivered; the position moves past it', async () => {
  const { client, WebSocket, ws, got, invalid, sub } = await subscribed();
  const signed = await ed.sign(message('p', 'e1', 1, { price: 1.25 }));
  const reported = next(client, 'invalid');
  ws.push({ ...signed, data: { price: 9.99 } });
  const detail = await reported;
  assert.deepEqual({ channel: detail.channel, offset: detail.offset, reason: detail.reason }, { channel: 'p', offset: 1, reason: 'bad_signature' });
  assert.deepEqual(detail.message.data, { price: 9.99 });
  ws.push(await ed.sign(message('p', 'e1', 2)));
  ws.push({ ...(await ec.sign(message('p', 'e1', 3))), ts: signed.ts + 1 }); // another ts than the one signed
  await until(() => got.length === 1 && invalid.length === 2, 'the rest');
  assert.deepEqual(got.map((m) => m.offset), [2]);
  assert.deepEqual(invalid.map((i) => `${i.offset}:${i.reason}`), ['1:bad_signature', '3:bad_signature']);
  assert.deepEqual(sub.position, { epoch: 'e1', offset: 3 });
  ws.drop(1006, '');
  await until(() => WebSocket.instances.length === 2, 'the reconnect');
  WebSocket.instances[1].accept();
  assert.deepEqual(WebSocket.instances[1].sent[0].since, { epoch: 'e1', offset: 3 }, 'not asked again');
  client.close();
});

test('an unknown kid, a malformed sig, or a kid without sig is invalid', async () => {
  const { client, ws, got, invalid } = await subscribed();
  const signed = await ed.sign(message('p', 'e1', 1));
  ws.push({ ...signed, kid: 'stranger' });
  ws.push({ ...(await ed.sign(message('p', 'e1', 2))), sig: 'not base64url!' });
  ws.push({ ...message('p', 'e1', 3), kid: ed.kid });
  ws.push({ ...(await ed.sign(message('p', 'e1', 4))), sig: signed.sig.slice(0, 20) });
  await until(() => invalid.length === 4, 'four reports');
  assert.deepEqual(invalid.map((i) => `${i.offset}:${i.reason}`), ['1:unknown_kid', '2:bad_signature', '3:bad_signature', '4:bad_signature']);
  assert.equal(got.length, 0);
  client.close();
});

test('unsigned messages are delivered unless requireSignatures, which reports them', async () => {
  const lax = await subscribed();
  lax.ws.push(message('p', 'e1', 1));
  assert.deepEqual(lax.got.map((m) => m.offset), [1]);
  lax.client.close();
  const strict = await subscribed({ requireSignatures: true });
  strict.ws.push(message('p', 'e1', 1));
  strict.ws.push(await ec.sign(message('p', 'e1', 2)));
  await until(() => strict.got.length === 1, 'the signed one');
  assert.deepEqual(strict.invalid.map((i) => `${i.offset}:${i.reason}`), ['1:unsigned']);
  assert.deepEqual(strict.got.map((m) => m.offset), [2]);
  strict.client.close();
});

test('a genuine message signed longer ago than maxSignatureAgeMs (default 15 min) is expired, not delivered', async () => {
  const minutes = (n) => n * 60_000;
  const signedAt = async (offset, ts) => ed.sign({ ...message('p', 'e1', offset), ts });
  const lax = await subscribed();
  lax.ws.push(await signedAt(1, NOW - minutes(16))); // a node replaying an old message as if it were new
  lax.ws.push(await signedAt(2, NOW - minutes(14)));
  lax.ws.push(await signedAt(3, NOW + minutes(1))); // the publisher's clock a little ahead of the page's
  await until(() => lax.got.length === 2 && lax.invalid.length === 1, 'the deliveries');
  assert.deepEqual(lax.invalid.map((i) => `${i.offset}:${i.reason}`), ['1:expired']);
  assert.deepEqual(lax.got.map((m) => m.offset), [2, 3]);
  lax.client.close();

  const strict = await subscribed({ maxSignatureAgeMs: 1000 });
  strict.ws.push(await signedAt(1, NOW - 2000));
  strict.ws.push(await signedAt(2, NOW - 500));
  await until(() => strict.got.length === 1 && strict.invalid.length === 1, 'the deliveries');
  assert.deepEqual(strict.invalid.map((i) => `${i.offset}:${i.reason}`), ['1:expired']);
  strict.client.close();

  const unlimited = await subscribed({ maxSignatureAgeMs: Infinity });
  unlimited.ws.push(await signedAt(1, 1));
  await until(() => unlimited.got.length === 1, 'the delivery');
  unlimited.client.close();
  for (const bad of [0, -1, '1000', NaN]) {
    assert.throws(() => connect('http://127.0.0.1:8080', { publicKeys, maxSignatureAgeMs: bad }), TypeError, String(bad));
  }
});

test('delivery keeps each channel in order when verifications finish out of order', async () => {
  // the first verification is held until released; later ones finish at once
  let release;
  const held = new Promise((r) => (release = r));
  let calls = 0;
  const slow = {
    importKey: (...args) => subtle.importKey(...args),
    verify: async (...args) => {
      if (calls++ === 0) await held;
      return subtle.verify(...args);
    },
  };
  const { client, ws, got, invalid } = await subscribed({ subtle: slow });
  const gaps = [];
  client.addEventListener('gap', (e) => gaps.push(e.detail.firstAvailable));
  ws.push(await ed.sign(message('p', 'e1', 1)));
  ws.push(await ec.sign(message('p', 'e1', 2)));
  ws.push({ ...(await ed.sign(message('p', 'e1', 3))), data: 'tampered' });
  ws.push(message('p', 'e1', 4)); // unsigned, allowed: known at once, still after the others
  ws.push(await ed.sign(message('p', 'e1', 6))); // a jump: the gap comes in order too
  await until(() => calls === 4, 'the other verifications');
  await settle();
  assert.deepEqual(got, []);
  assert.deepEqual(invalid, []);
  assert.deepEqual(gaps, []);
  release();
  await until(() => got.length === 4, 'everything');
  assert.deepEqual(got.map((m) => m.offset), [1, 2, 4, 6]);
  assert.deepEqual(invalid.map((i) => i.offset), [3]);
  assert.deepEqual(gaps, [6]);
  ws.push(message('p', 'e1', 7)); // nothing waits any more: delivered at once
  assert.deepEqual(got.map((m) => m.offset), [1, 2, 4, 6, 7]);
  client.close();
});

test('each public key is imported once', async () => {
  let imports = 0;
  const counting = { importKey: (...a) => (imports++, subtle.importKey(...a)), verify: (...a) => subtle.verify(...a) };
  const { client, ws, got } = await subscribed({ subtle: counting });
  for (let offset = 1; offset <= 4; offset++) ws.push(await ed.sign(message('p', 'e1', offset)));
  await until(() => got.length === 4, 'four deliveries');
  assert.equal(imports, 1);
  client.close();
});

test('without Ed25519 in WebCrypto: said once as an error, its messages invalid, P-256 still verified', async () => {
  const noEd25519 = {
    importKey: async (format, der, params, ...rest) => {
      if (params.name === 'Ed25519') throw new DOMException('Unrecognized algorithm name', 'NotSupportedError');
      return subtle.importKey(format, der, params, ...rest);
    },
    verify: (...a) => subtle.verify(...a),
  };
  const { client, ws, got, invalid, errors } = await subscribed({ subtle: noEd25519 });
  ws.push(await ed.sign(message('p', 'e1', 1)));
  ws.push(await ed.sign(message('p', 'e1', 2)));
  ws.push(await ec.sign(message('p', 'e1', 3)));
  await until(() => got.length === 1 && invalid.length === 2, 'all three');
  assert.deepEqual(invalid.map((i) => `${i.offset}:${i.reason}`), ['1:unsupported_algorithm', '2:unsupported_algorithm']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'unsupported_algorithm');
  assert.match(errors[0].message, /Ed25519/);
  client.close();
});

test('without WebCrypto (a page over plain http): said once, signed messages invalid', async () => {
  const { client, ws, got, invalid, errors } = await subscribed({ subtle: undefined });
  ws.push(await ed.sign(message('p', 'e1', 1)));
  ws.push(await ec.sign(message('p', 'e1', 2)));
  await until(() => invalid.length === 2, 'both reported');
  assert.equal(got.length, 0);
  assert.deepEqual(errors.map((e) => e.code), ['unsupported_algorithm']);
  assert.match(errors[0].message, /https/);
  client.close();
});

test('publicKeys that are not Ed25519 or P-256 SPKI are a TypeError; PEM is accepted', async () => {
  const rsa = await subtle.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
  const rsaSpki = Buffer.from(await subtle.exportKey('spki', rsa.publicKey)).toString('base64');
  for (const publicKeys of [{ k: rsaSpki }, { k: 'not base64' }, { k: 42 }, ['x']]) {
    assert.throws(() => connect('http://x', { WebSocket: fakeWebSocket(), publicKeys }), TypeError);
  }
  const pem = `-----BEGIN PUBLIC KEY-----\n${ed.spki}\n-----END PUBLIC KEY-----\n`;
  connect('http://x', { WebSocket: fakeWebSocket(), publicKeys: { k: pem } }).close();
});
