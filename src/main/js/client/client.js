// last-mile browser client: one dependency-free ES module, served by edge listeners at /client.js.
// Protocol: docs/protocol.md; usage and behaviour: docs/client.md.

const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 30000, factor: 2, jitter: 0.5 };
const DEFAULT_TRANSPORTS = ['websocket', 'sse'];
const TRANSPORTS = new Set(DEFAULT_TRANSPORTS);
/** Refusals of a credential when a connection opens: a fresh token may do, after the backoff. */
const AUTH_REFUSALS = new Set(['unauthenticated', 'invalid_token', 'token_expired']);
/** An event-stream line or event larger than this is a broken stream, not something to buffer without end. */
const MAX_SSE_EVENT_CHARS = 4 * 1024 * 1024;
/**
 * How old a signed message's `ts` may be when it arrives: a node can replay a genuine old message, and this is how
 * stale such a replay can be. 15 minutes: a resume within the default backlog (10 minutes) of messages the
 * publisher signed up to the server's default skew (5 minutes) before they were stored.
 */
const DEFAULT_MAX_SIGNATURE_AGE_MS = 15 * 60 * 1000;

/**
 * Opens a client on a last-mile edge listener.
 *
 * @param {string} [url] the listener's base URL, `http(s)://host:port` (default: the page's origin)
 * @param {object} [options] `transports`, `token` (an async callback returning a credential, or a legacy listener
 *   token string), `publicKeys` ({kid: base64 SPKI}), `requireSignatures`, `maxSignatureAgeMs`, `backoff`
 *   ({initialMs, maxMs, factor, jitter}), `openTimeoutMs`; `WebSocket`, `EventSource`, `fetch`, `subtle`, `random`
 *   and `now` replace the globals (tests)
 */
export function connect(url, options = {}) {
  return new LastMileClient(url, options);
}

/** True when a close code or disconnect notice forbids an automatic reconnect (docs/protocol.md section 4). */
export function mayReconnect(code, notice) {
  if (notice && notice.reconnect === false) return false;
  return !(code === 1009 || (code >= 4500 && code <= 4999));
}

/** The delay before reconnect attempt `attempt` (1, 2, ...): exponential, capped, minus up to `jitter` of it. */
export function backoffDelay(attempt, backoff, random = Math.random) {
  const full = Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.factor, attempt - 1));
  return Math.round(full * (1 - backoff.jitter * random()));
}

/**
 * When to refresh a credential that expires at `expiresAt` (ms since the epoch): at 80% of the remaining lifetime,
 * and at least 5 s before it ends; a lifetime under 10 s is refreshed half-way, so a token that is not renewed
 * does not make the client ask again without pause.
 */
export function refreshDelay(expiresAt, now = Date.now()) {
  const remaining = expiresAt - now;
  if (remaining <= 0) return 0;
  return Math.round(remaining >= 10000 ? Math.min(0.8 * remaining, remaining - 5000) : remaining / 2);
}

/**
 * JSON Canonicalization Scheme (RFC 8785) of a JSON value: object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers as ECMAScript's JSON.stringify writes them (which is what RFC 8785 specifies).
 */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('JSON has no NaN or Infinity');
  if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
    throw new TypeError(`not a JSON value: ${typeof value}`);
  }
  return JSON.stringify(value);
}

/** The bytes a publisher signs: the UTF-8 of the canonical JSON of {channel, data, ts} (docs/protocol.md). */
export function signingInput(channel, data, ts) {
  if (typeof channel !== 'string' || !Number.isFinite(ts)) throw new TypeError('a signed message needs a channel and a ts');
  return new TextEncoder().encode(canonicalJson({ channel, data, ts }));
}

/** The SSE position token: `chan:EPOCH:OFFSET` per channel, joined by commas (names never hold a comma). */
export function positionToken(positions) {
  return positions.map((p) => `${p.channel}:${p.epoch}:${p.offset}`).join(',');
}

class LastMileClient extends EventTarget {
  #base;
  #token;
  #backoff;
  #transports;
  #openTimeoutMs;
  #impl;
  #random;
  /** The callback that returns a credential, or null (anonymous, or a legacy `#token` string). */
  #tokenSource;
  /** Checks the signatures of messages before delivery, or null without `publicKeys`. */
  #verifier;
  /** channel -> {channel, handlers:Set, epoch, offset, tail} (epoch null until a position is known; tail: the
   * promise of the last delivery still waiting for a verification, or null) */
  #channels = new Map();
  #connection = null;
  #preferred = 0;
  #attempt = 0;
  #timer = null;
  #closed = false;

  constructor(url, options) {
    super();
    const base = url ?? globalThis.location?.origin;
    if (!base) throw new TypeError('connect(url): url is required outside a page');
    this.#base = new URL(base);
    if (!['http:', 'https:'].includes(this.#base.protocol)) {
      throw new TypeError(`connect(url): expected an http(s) URL, got ${base}`);
    }
    if (typeof options.token === 'function') {
      this.#tokenSource = options.token;
    } else if (options.token == null || typeof options.token === 'string') {
      this.#token = options.token || null;
    } else {
      throw new TypeError('connect(url): token must be an async callback returning a credential (or a legacy listener token string)');
    }
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#transports = options.transports ?? DEFAULT_TRANSPORTS;
    if (this.#transports.length === 0 || this.#transports.some((t) => !TRANSPORTS.has(t))) {
      throw new TypeError(`connect(url): transports must be a non-empty list of ${[...TRANSPORTS].join(', ')}`);
    }
    this.#openTimeoutMs = options.openTimeoutMs ?? 10000;
    this.#impl = { WebSocket: options.WebSocket, EventSource: options.EventSource, fetch: options.fetch };
    this.#random = options.random ?? Math.random;
    if (options.requireSignatures && !options.publicKeys) {
      throw new TypeError('connect(url): requireSignatures needs publicKeys to verify with');
    }
    const maxAgeMs = options.maxSignatureAgeMs ?? DEFAULT_MAX_SIGNATURE_AGE_MS;
    if (typeof maxAgeMs !== 'number' || !(maxAgeMs > 0)) {
      throw new TypeError('connect(url): maxSignatureAgeMs must be a number of ms > 0 (Infinity: no limit)');
    }
    this.#verifier = options.publicKeys
      ? new MessageVerifier(options.publicKeys, {
          requireSignatures: options.requireSignatures === true,
          maxAgeMs,
          now: options.now ?? Date.now,
          subtle: 'subtle' in options ? options.subtle : globalThis.crypto?.subtle,
          report: (detail) => this.#emit('error', detail),
        })
      : null;
    // let the caller subscribe first: the first connection then carries every channel
    queueMicrotask(() => this.#round());
  }

  /** The transport of the open connection: 'websocket', 'sse', or null while connecting. */
  get transport() {
    return this.#connection?.open ? this.#connection.kind : null;
  }

  /**
   * Receives the messages of `channel`, each once and in offset order, resuming from `since` ({epoch, offset})
   * when given. Returns {channel, position, unsubscribe()}.
   */
  subscribe(channel, handler, { since } = {}) {
    if (typeof channel !== 'string' || channel.length === 0) throw new TypeError('subscribe: channel must be a non-empty string');
    if (typeof handler !== 'function') throw new TypeError('subscribe: handler must be a function');
    if (since && (typeof since.epoch !== 'string' || !Number.isInteger(since.offset) || since.offset < 0)) {
      throw new TypeError('subscribe: since must be {epoch: string, offset: integer >= 0}');
    }
    let state = this.#channels.get(channel);
    const added = !state;
    if (added) {
      state = { channel, handlers: new Set(), epoch: since?.epoch ?? null, offset: since?.offset ?? 0, tail: null };
      this.#channels.set(channel, state);
    }
    const entry = { handler };
    state.handlers.add(entry);
    if (added && !this.#closed) this.#connection?.subscribe(state);
    const client = this;
    return {
      channel,
      get position() {
        return state.epoch === null ? null : { epoch: state.epoch, offset: state.offset };
      },
      unsubscribe() {
        if (!state.handlers.delete(entry) || state.handlers.size > 0) return;
        if (client.#channels.get(channel) === state) {
          client.#channels.delete(channel);
          client.#connection?.unsubscribe(channel);
        }
      },
    };
  }

  /** Closes the connection for good: no reconnect. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    const connection = this.#connection;
    this.#connection = null;
    connection?.shut();
    this.#emit('close', { code: 1000, reason: 'closed by the client', willReconnect: false });
  }

  // ---- connecting: one round tries every transport once, starting with the last one that opened

  #round() {
    this.#timer = null;
    if (this.#closed) return;
    this.#tryTransport(0);
  }

  #tryTransport(step) {
    if (this.#closed) return;
    if (step === this.#transports.length) {
      this.#scheduleReconnect();
      return;
    }
    const index = (this.#preferred + step) % this.#transports.length;
    const kind = this.#transports[index];
    // EventSource cannot send a header: with a token callback, SSE is read with fetch and Authorization
    const sseOverFetch = kind === 'sse' && this.#tokenSource;
    const Impl = kind === 'websocket'
      ? this.#impl.WebSocket ?? globalThis.WebSocket
      : sseOverFetch ? this.#impl.fetch ?? globalThis.fetch : this.#impl.EventSource ?? globalThis.EventSource;
    if (typeof Impl !== 'function') {
      this.#tryTransport(step + 1);
      return;
    }
    const hooks = {
      opened: () => {
        this.#preferred = index;
        this.#attempt = 0;
        this.#emit('open', { transport: kind });
      },
      failed: () => {
        if (this.#connection === connection) this.#connection = null;
        this.#tryTransport(step + 1);
      },
      closed: (code, reason, notice) => {
        if (this.#connection === connection) this.#connection = null;
        const willReconnect = !this.#closed && mayReconnect(code, notice);
        this.#emit('close', { code, reason, willReconnect });
        if (willReconnect) this.#scheduleReconnect();
        else this.#closed = true;
      },
      // the transport works but the credential was refused (or could not be had): the same transport, later
      refused: (detail) => {
        if (this.#connection === connection) this.#connection = null;
        this.#preferred = index;
        this.#emit('error', detail);
        if (!this.#closed) this.#scheduleReconnect();
      },
      error: (detail) => this.#emit('error', detail),
      subscribed: (result) => this.#subscribed(result),
      message: (frame) => this.#deliver(frame),
      channels: () => [...this.#channels.values()],
      fetch: this.#impl.fetch ?? globalThis.fetch,
      credential: this.#tokenSource ? () => this.#credential() : null,
    };
    const Connection = kind === 'websocket' ? WebSocketConnection : sseOverFetch ? FetchSseConnection : SseConnection;
    const connection = new Connection(Impl, this.#base, this.#token, this.#openTimeoutMs, hooks);
    this.#connection = connection;
    connection.start();
  }

  /**
   * A credential from the `token` callback: a non-empty string, or null to go on anonymously. Rejects with an
   * error detail when the callback throws, returns anything else, or does not settle within openTimeoutMs.
   */
  async #credential() {
    let timer;
    const late = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`it did not settle within ${this.#openTimeoutMs} ms`)), this.#openTimeoutMs);
    });
    let token;
    try {
      token = await Promise.race([Promise.resolve().then(() => this.#tokenSource()), late]);
    } catch (e) {
      throw { code: 'token_unavailable', message: `the token callback failed: ${e?.message ?? e}` };
    } finally {
      clearTimeout(timer);
    }
    if (token === null) return null;
    if (typeof token !== 'string' || token.length === 0) {
      throw { code: 'token_unavailable', message: 'the token callback must return a non-empty string (or null for anonymous)' };
    }
    return token;
  }

  #scheduleReconnect() {
    this.#attempt += 1;
    const delayMs = backoffDelay(this.#attempt, this.#backoff, this.#random);
    this.#emit('reconnect', { attempt: this.#attempt, delayMs });
    this.#timer = setTimeout(() => this.#round(), delayMs);
  }

  // ---- positions: every channel's last offset, so a resume neither misses nor repeats a message

  #subscribed(r) {
    const state = this.#channels.get(r.channel);
    if (!state) return;
    if (state.epoch === null) {
      state.epoch = r.epoch;
      state.offset = r.offset;
      return;
    }
    const sameEpoch = state.epoch === r.epoch;
    if (r.recovered === false || !sameEpoch) {
      const gap = { channel: r.channel, epoch: r.epoch, lastOffset: state.offset, firstAvailable: r.first_available ?? null };
      this.#inOrder(state, null, () => this.#emit('gap', gap));
      // a replay from the same epoch starts at first_available; anything else continues after the reply's offset
      state.offset = sameEpoch && state.offset <= r.offset ? Math.max(state.offset, (r.first_available ?? 1) - 1) : r.offset;
      state.epoch = r.epoch;
    }
  }

  #deliver(frame) {
    const state = this.#channels.get(frame.channel);
    if (!state) return;
    if (state.epoch !== null && frame.epoch === state.epoch && frame.offset <= state.offset) return; // seen
    if (state.epoch !== null && (frame.epoch !== state.epoch || frame.offset > state.offset + 1)) {
      const gap = { channel: frame.channel, epoch: frame.epoch, lastOffset: state.offset, firstAvailable: frame.offset };
      this.#inOrder(state, null, () => this.#emit('gap', gap));
    }
    // the position moves on arrival, also for a message that fails its check: a resume would get the same bytes
    state.epoch = frame.epoch;
    state.offset = frame.offset;
    const m = { channel: frame.channel, offset: frame.offset, epoch: frame.epoch, data: frame.data, ts: frame.ts };
    if (frame.kid !== undefined) m.kid = frame.kid;
    if (frame.sig !== undefined) m.sig = frame.sig;
    this.#inOrder(state, this.#verifier?.check(frame) ?? null, (reason) => {
      if (reason) {
        this.#emit('invalid', { channel: m.channel, offset: m.offset, epoch: m.epoch, reason, message: m });
        return;
      }
      for (const { handler } of [...state.handlers]) {
        try {
          handler(m);
        } catch (e) {
          // one handler's bug must not stop delivery to the others or break the connection
          (globalThis.reportError ?? console.error)(e);
        }
      }
    });
  }

  /**
   * Runs `then(verdict)` after everything queued before on the channel: at once when nothing is waiting and the
   * verdict is known, else once the verdict (a promise that never rejects) and the earlier steps settled.
   */
  #inOrder(state, verdict, then) {
    if (!state.tail && !(verdict instanceof Promise)) {
      then(verdict);
      return;
    }
    const step = Promise.all([state.tail, verdict]).then(([, v]) => {
      if (!this.#closed) then(v);
    });
    state.tail = step;
    step.then(() => {
      if (state.tail === step) state.tail = null;
    });
  }

  #emit(type, detail) {
    this.dispatchEvent(new ClientEvent(type, detail));
  }
}

/** An event with a `detail`, like a CustomEvent, also where CustomEvent is not a global (older Node). */
class ClientEvent extends Event {
  constructor(type, detail) {
    super(type);
    this.detail = detail;
  }
}

/**
 * The native protocol over one WebSocket (docs/protocol.md section 2). With a token callback, the connection signs
 * on with `auth` before it subscribes, and signs on again ahead of the credential's expiry.
 */
class WebSocketConnection {
  kind = 'websocket';
  open = false;
  #socket;
  #hooks;
  #nextId = 1;
  #pending = new Map(); // id -> channel of a subscribe awaiting its reply
  #authId = null; // id of the auth command awaiting its reply
  #notice = null;
  #done = false;
  #timeout;
  #refreshTimer;
  #retries = new Set();

  constructor(Impl, base, token, openTimeoutMs, hooks) {
    this.Impl = Impl;
    this.url = new URL('/ws', base);
    this.url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    this.token = token;
    this.openTimeoutMs = openTimeoutMs;
    this.#hooks = hooks;
  }

  start() {
    if (!this.#hooks.credential) {
      this.#connect(null);
      return;
    }
    // the credential first: a socket would sit idle while the callback asks the identity provider
    this.#hooks.credential().then(
      (credential) => !this.#done && this.#connect(credential),
      (detail) => this.#end(() => this.#hooks.refused({ ...detail, auth: 'connect' })),
    );
  }

  #connect(credential) {
    try {
      // a legacy listener token goes in the sub-protocol; a credential from the callback only in the auth command
      this.#socket = this.token ? new this.Impl(this.url.href, [this.token]) : new this.Impl(this.url.href);
    } catch (e) {
      this.#end(() => this.#hooks.failed());
      return;
    }
    // a socket that neither opens nor fails (a proxy swallowing it) counts as failed
    this.#timeout = setTimeout(() => this.#abandon(), this.openTimeoutMs);
    this.#socket.onopen = () => {
      clearTimeout(this.#timeout);
      if (credential === null) {
        this.#ready();
        return;
      }
      // nothing is subscribed before the server has the identity; an answer that never comes fails the open
      this.#timeout = setTimeout(() => this.#abandon(), this.openTimeoutMs);
      this.#sendAuth(credential);
    };
    this.#socket.onmessage = (e) => this.#frame(e.data);
    this.#socket.onclose = (e) => {
      if (this.open) this.#end(() => this.#hooks.closed(e.code, e.reason, this.#notice));
      else this.#end(() => this.#hooks.failed());
    };
  }

  #ready() {
    this.open = true;
    this.#hooks.opened();
    for (const state of this.#hooks.channels()) this.subscribe(state);
  }

  #sendAuth(credential) {
    this.#authId = this.#nextId++;
    this.#socket.send(JSON.stringify({ op: 'auth', id: this.#authId, token: credential }));
  }

  #authReply(frame) {
    this.#authId = null;
    if (!this.open) {
      clearTimeout(this.#timeout);
      if (frame.result) {
        this.#ready();
        this.#scheduleRefresh(frame.result.expires_at);
        return;
      }
      const socket = this.#socket;
      const error = frame.error ?? { code: 'internal', message: 'reply without result or error' };
      this.#end(() => this.#hooks.refused({ ...error, auth: 'connect' }));
      try {
        socket.close(1000);
      } catch {
        // already closing
      }
      return;
    }
    if (frame.result) {
      this.#scheduleRefresh(frame.result.expires_at);
      return;
    }
    if (frame.error?.code === 'rate_limited') {
      // nothing ran: ask again a little later, as for a subscribe
      clearTimeout(this.#refreshTimer);
      this.#refreshTimer = setTimeout(() => this.#refresh(), 1000);
      return;
    }
    // the old identity stays until it expires; the server then ends the connection (4004) and a reconnect signs on anew
    this.#hooks.error({ ...(frame.error ?? { code: 'internal', message: 'reply without result or error' }), auth: 'refresh' });
  }

  #scheduleRefresh(expiresAt) {
    clearTimeout(this.#refreshTimer);
    if (!Number.isFinite(expiresAt)) return; // a credential that does not expire
    this.#refreshTimer = setTimeout(() => this.#refresh(), refreshDelay(expiresAt));
  }

  #refresh() {
    this.#hooks.credential()
      .then((credential) => {
        if (this.#done) return;
        if (credential === null) throw { code: 'token_unavailable', message: 'the token callback returned null: the credential cannot be refreshed' };
        this.#sendAuth(credential);
      })
      .catch((detail) => !this.#done && this.#hooks.error({ ...detail, auth: 'refresh' }));
  }

  subscribe(state) {
    if (!this.open || this.#done) return;
    const id = this.#nextId++;
    this.#pending.set(id, state.channel);
    const command = { op: 'subscribe', channel: state.channel, id };
    if (state.epoch !== null) command.since = { epoch: state.epoch, offset: state.offset };
    this.#socket.send(JSON.stringify(command));
  }

  unsubscribe(channel) {
    if (!this.open || this.#done) return;
    this.#socket.send(JSON.stringify({ op: 'unsubscribe', channel, id: this.#nextId++ }));
  }

  shut() {
    this.#end(() => {});
    try {
      this.#socket?.close(1000);
    } catch {
      // already closing
    }
  }

  #abandon() {
    const socket = this.#socket;
    this.#end(() => this.#hooks.failed());
    try {
      socket.close();
    } catch {
      // never opened
    }
  }

  #end(then) {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timeout);
    clearTimeout(this.#refreshTimer);
    for (const t of this.#retries) clearTimeout(t);
    this.#socket && (this.#socket.onopen = this.#socket.onmessage = this.#socket.onclose = null);
    then();
  }

  #frame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      this.#hooks.error({ code: 'bad_frame', message: 'the server sent a frame that is not JSON' });
      return;
    }
    if (frame.type === 'message') {
      this.#hooks.message(frame);
    } else if (frame.type === 'reply') {
      this.#reply(frame);
    } else if (frame.type === 'disconnect') {
      this.#notice = frame;
    }
  }

  #reply(frame) {
    if (frame.id === this.#authId) {
      this.#authReply(frame);
      return;
    }
    const channel = this.#pending.get(frame.id);
    if (channel === undefined) return; // unsubscribe replies
    this.#pending.delete(frame.id);
    if (frame.result) {
      this.#hooks.subscribed(frame.result);
      return;
    }
    const error = frame.error ?? { code: 'internal', message: 'reply without result or error' };
    if (error.code === 'cancelled') return; // unsubscribed before the reply: as intended
    if (error.code === 'rate_limited') {
      // nothing ran: send it again a little later, still on this connection
      const retry = setTimeout(() => {
        this.#retries.delete(retry);
        const state = this.#hooks.channels().find((s) => s.channel === channel);
        if (state) this.subscribe(state);
      }, 1000);
      this.#retries.add(retry);
      return;
    }
    this.#hooks.error({ ...error, channel });
  }
}

/**
 * What both SSE readers share: one stream at a time for the subscribed channels, a new one (resuming every
 * position) when they change, and the end of the connection. A subclass opens a stream in `connect` and ends the
 * current one in `stop`.
 */
class SseStream {
  kind = 'sse';
  open = false;
  notice = null;
  done = false;
  timeout;
  reopen = false;
  /** The channels of the stream being opened or open, as named in its URL. */
  streamed = '';

  /** @param token a legacy listener token, sent as the `token` parameter; null for none */
  constructor(base, token, openTimeoutMs, hooks) {
    this.base = base;
    this.token = token;
    this.openTimeoutMs = openTimeoutMs;
    this.hooks = hooks;
  }

  /** `/sse?channel=...`, with every known position as `last_event_id` (and a legacy token, if any). */
  url() {
    const url = new URL('/sse', this.base);
    const states = this.hooks.channels();
    this.streamed = names(states);
    for (const s of states) url.searchParams.append('channel', s.channel);
    const known = states.filter((s) => s.epoch !== null);
    if (known.length > 0) url.searchParams.set('last_event_id', positionToken(known));
    if (this.token) url.searchParams.set('token', this.token);
    return url.href;
  }

  start() {
    if (this.hooks.channels().length === 0) {
      // a stream needs a channel: open as soon as there is one
      this.open = true;
      this.hooks.opened();
      return;
    }
    this.connect(() => this.hooks.opened());
  }

  subscribe() {
    this.restream();
  }

  unsubscribe() {
    this.restream();
  }

  shut() {
    this.end(() => {});
  }

  /** The stream failed, ended or did not open in time: a failed open, or the close of an open connection. */
  lost() {
    if (!this.open) {
      this.end(() => this.hooks.failed());
      return;
    }
    const notice = this.notice;
    this.end(() => this.hooks.closed(notice?.code ?? 1006, notice?.reason ?? 'stream ended', notice));
  }

  /** A stream's channels are fixed: change them by opening a new stream that resumes from every position. */
  restream() {
    if (!this.open || this.done || this.reopen) return;
    this.reopen = true;
    queueMicrotask(() => {
      this.reopen = false;
      if (this.done) return;
      this.stop();
      if (this.hooks.channels().length > 0) this.connect(() => {});
    });
  }

  end(then) {
    if (this.done) return;
    this.done = true;
    this.stop();
    then();
  }
}

/**
 * Server-Sent Events (`GET /sse`). The browser's own EventSource reconnect is not used: on any error the stream
 * is closed and the client reconnects itself, with its backoff and fallback, from the positions it delivered.
 */
class SseConnection extends SseStream {
  #source;

  constructor(Impl, base, token, openTimeoutMs, hooks) {
    super(base, token, openTimeoutMs, hooks);
    this.Impl = Impl;
  }

  connect(onFirstOpen) {
    try {
      this.#source = new this.Impl(this.url());
    } catch (e) {
      this.end(() => this.hooks.failed());
      return;
    }
    const source = this.#source;
    let opened = false;
    this.timeout = setTimeout(() => this.lost(), this.openTimeoutMs);
    source.onopen = () => {
      opened = true;
      clearTimeout(this.timeout);
      if (!this.open) {
        this.open = true;
        onFirstOpen();
      }
      // channels added or dropped while this stream was opening
      if (names(this.hooks.channels()) !== this.streamed) this.restream();
    };
    source.onmessage = (e) => {
      const frame = parse(e.data);
      if (frame?.type === 'message') this.hooks.message(frame);
    };
    source.addEventListener('subscribed', (e) => {
      const result = parse(e.data);
      if (result) this.hooks.subscribed(result);
    });
    source.addEventListener('disconnect', (e) => {
      this.notice = parse(e.data);
    });
    source.addEventListener('error', (e) => {
      if (source !== this.#source) return;
      if (typeof e.data === 'string') {
        // the server's `event: error`; the stream stays open
        const body = parse(e.data);
        this.hooks.error(body?.error ?? body ?? { code: 'internal', message: e.data });
        return;
      }
      // the connection failed or ended: an EventSource would retry by itself, this client decides instead
      if (!opened) this.#explain(source.url);
      this.lost();
    });
  }

  /**
   * An EventSource hides why a request was refused: ask again with fetch, whose status and JSON body can be read
   * (the server refuses before it streams), and report the refusal. A stream that would open is cancelled at once.
   */
  #explain(url) {
    const { fetch, error } = this.hooks;
    if (typeof fetch !== 'function') return;
    fetch(url, { headers: { Accept: 'text/event-stream' } })
      .then(async (response) => {
        if (response.ok) {
          await response.body?.cancel();
          return;
        }
        const body = await response.json().catch(() => null);
        error({ ...(body?.error ?? { code: 'internal', message: `HTTP ${response.status}` }), status: response.status });
      })
      .catch(() => {}); // the network: nothing more to say than the failed open
  }

  /** Closes the current EventSource, if any. */
  stop() {
    clearTimeout(this.timeout);
    this.#source?.close();
    this.#source = null;
  }
}

/**
 * Server-Sent Events read with `fetch`, for a client with a token callback: an EventSource cannot send the
 * `Authorization` header, and the token must not go in a URL (URLs end up in logs). The stream's `session` event
 * names it; the credential is refreshed ahead of its expiry with `POST /sse/auth`. Like SseConnection, the client
 * reconnects itself from the positions it delivered.
 */
class FetchSseConnection extends SseStream {
  #fetch;
  #refreshTimer;
  #abort = null;
  /** Counts the requests of this connection: the answers of a replaced request are ignored. */
  #generation = 0;
  /** The `session` of the current stream: {stream, expires_at}. */
  #session = null;

  /** @param token ignored: the credential goes in the Authorization header, never in the URL */
  constructor(fetch, base, token, openTimeoutMs, hooks) {
    super(base, null, openTimeoutMs, hooks);
    // called as a plain function: a browser's fetch throws "Illegal invocation" when called as another object's method
    this.#fetch = (url, init) => fetch(url, init);
  }

  connect(onFirstOpen) {
    const generation = ++this.#generation;
    const abort = new AbortController();
    this.#abort = abort;
    this.#session = null;
    clearTimeout(this.#refreshTimer);
    // the callback, the request and the response head must all be done in time
    this.timeout = setTimeout(() => this.lost(), this.openTimeoutMs);
    const current = () => generation === this.#generation && !this.done;
    this.hooks.credential().then(
      async (credential) => {
        if (!current()) return;
        const headers = { Accept: 'text/event-stream' };
        if (credential !== null) headers.Authorization = `Bearer ${credential}`;
        let response;
        try {
          response = await this.#fetch(this.url(), { headers, signal: abort.signal, cache: 'no-store' });
        } catch {
          if (current()) this.lost(); // the network, or the open timeout's abort
          return;
        }
        if (!current()) {
          response.body?.cancel().catch(() => {});
          return;
        }
        if (!response.ok) {
          await this.#refusal(response, current);
          return;
        }
        clearTimeout(this.timeout);
        if (!this.open) {
          this.open = true;
          onFirstOpen();
        }
        // channels added or dropped while this stream was opening
        if (names(this.hooks.channels()) !== this.streamed) this.restream();
        if (response.body) await this.#read(response.body, current);
        else this.lost();
      },
      (detail) => {
        if (!current()) return;
        // the callback failed: before the first open it is a refusal, on a reopen the connection is lost
        if (!this.open) this.end(() => this.hooks.refused({ ...detail, auth: 'connect' }));
        else {
          this.hooks.error({ ...detail, auth: 'connect' });
          this.lost();
        }
      },
    );
  }

  /** The server refused the stream before it started: its status and JSON error say why. */
  async #refusal(response, current) {
    const body = await response.json().catch(() => null);
    if (!current()) return;
    const error = { ...(body?.error ?? { code: 'internal', message: `HTTP ${response.status}` }), status: response.status };
    if (!this.open && AUTH_REFUSALS.has(error.code)) {
      this.end(() => this.hooks.refused({ ...error, auth: 'connect' }));
      return;
    }
    this.hooks.error(error);
    this.lost();
  }

  async #read(body, current) {
    const parser = new SseParser((event) => current() && this.#event(event));
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (!current()) break;
        if (done) {
          parser.end();
          break;
        }
        parser.push(value);
      }
    } catch (e) {
      if (current() && e instanceof SseFormatError) this.hooks.error({ code: 'bad_frame', message: e.message });
    } finally {
      reader.cancel().catch(() => {});
    }
    if (current()) this.lost();
  }

  #event({ type, data }) {
    const body = parse(data);
    if (type === 'message') {
      if (body?.type === 'message') this.hooks.message(body);
    } else if (type === 'subscribed') {
      if (body) this.hooks.subscribed(body);
    } else if (type === 'session') {
      if (typeof body?.stream !== 'string') return;
      this.#session = body;
      this.#scheduleRefresh(body.expires_at);
    } else if (type === 'disconnect') {
      this.notice = body;
    } else if (type === 'error') {
      // the server's `event: error`; the stream stays open
      this.hooks.error(body?.error ?? body ?? { code: 'internal', message: data });
    }
  }

  #scheduleRefresh(expiresAt) {
    clearTimeout(this.#refreshTimer);
    if (!Number.isFinite(expiresAt)) return;
    this.#refreshTimer = setTimeout(() => this.#refresh(), refreshDelay(expiresAt));
  }

  #refresh() {
    const generation = this.#generation;
    const stream = this.#session?.stream;
    const current = () => generation === this.#generation && !this.done;
    this.hooks.credential()
      .then(async (credential) => {
        if (!current()) return;
        if (credential === null) throw { code: 'token_unavailable', message: 'the token callback returned null: the credential cannot be refreshed' };
        let response;
        try {
          response = await this.#fetch(new URL('/sse/auth', this.base).href, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ stream, token: credential }),
          });
        } catch (e) {
          throw { code: 'network_error', message: `POST /sse/auth failed: ${e?.message ?? e}` };
        }
        const body = await response.json().catch(() => null);
        if (!current()) return;
        if (response.ok) {
          this.#scheduleRefresh(body?.expires_at);
          return;
        }
        const error = { ...(body?.error ?? { code: 'internal', message: `HTTP ${response.status}` }), status: response.status };
        // the stream ended, or this request reached another node: a new stream, resumed, with a fresh credential
        if (error.code === 'stream_not_found') this.restream();
        else throw error;
      })
      .catch((detail) => current() && this.hooks.error({ ...detail, auth: 'refresh' }));
  }

  /** The stream failed, ended or did not open in time: a failed open, or the close of an open connection. */
  /** Ends the current request, if any, and makes its late answers stale. */
  stop() {
    this.#generation++;
    clearTimeout(this.timeout);
    clearTimeout(this.#refreshTimer);
    this.#abort?.abort();
    this.#abort = null;
  }
}

/** A stream that breaks the event-stream format's bounds. */
class SseFormatError extends Error {}

/**
 * The `text/event-stream` format (the HTML standard's parsing rules): UTF-8 decoded across chunks, lines ended by
 * CRLF, LF or CR, `field: value` lines, comments (heartbeats) ignored, an event dispatched at a blank line when it
 * has data. `retry` is recorded but not followed: the client reconnects with its own backoff.
 */
export class SseParser {
  #decoder = new TextDecoder();
  #onEvent;
  #buffer = '';
  #started = false;
  #type = '';
  #data = [];
  #size = 0;
  lastEventId = '';
  retry = null;

  constructor(onEvent) {
    this.#onEvent = onEvent;
  }

  /** Parses a chunk of bytes; an event completed by it is dispatched before this returns. */
  push(bytes) {
    this.#feed(this.#decoder.decode(bytes, { stream: true }), false);
  }

  /** The stream ended: an event without its blank line is dropped, as the standard says. */
  end() {
    this.#feed(this.#decoder.decode(), true);
  }

  #feed(text, last) {
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const buffer = this.#buffer + text;
    const ends = /\r\n|\r|\n/g;
    let start = 0;
    let m;
    while ((m = ends.exec(buffer)) !== null) {
      // a CR at the end of a chunk may be the first half of a CRLF
      if (m[0] === '\r' && m.index === buffer.length - 1 && !last) break;
      this.#line(buffer.slice(start, m.index));
      start = m.index + m[0].length;
    }
    this.#buffer = buffer.slice(start);
    if (this.#buffer.length > MAX_SSE_EVENT_CHARS) throw new SseFormatError(`an event-stream line longer than ${MAX_SSE_EVENT_CHARS} characters`);
  }

  #line(line) {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.startsWith(':')) return; // a comment: the server's heartbeat
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#type = value;
    else if (field === 'data') {
      this.#size += value.length + 1;
      if (this.#size > MAX_SSE_EVENT_CHARS) throw new SseFormatError(`an event larger than ${MAX_SSE_EVENT_CHARS} characters`);
      this.#data.push(value);
    } else if (field === 'id') {
      if (!value.includes('\0')) this.lastEventId = value;
    } else if (field === 'retry') {
      if (/^[0-9]+$/.test(value)) this.retry = Number(value);
    }
  }

  #dispatch() {
    const type = this.#type || 'message';
    const data = this.#data.join('\n');
    const hasData = this.#data.length > 0;
    this.#type = '';
    this.#data = [];
    this.#size = 0;
    if (hasData) this.#onEvent({ type, data, id: this.lastEventId });
  }
}

/** The two key types a publisher may sign with, known by the head of their SubjectPublicKeyInfo DER. */
const KEY_TYPES = [
  {
    name: 'Ed25519',
    spkiHead: '302a300506032b6570032100',
    length: 44,
    importParams: { name: 'Ed25519' },
    verifyParams: { name: 'Ed25519' },
  },
  {
    name: 'ECDSA P-256',
    spkiHead: '3059301306072a8648ce3d020106082a8648ce3d030107034200',
    length: 91,
    importParams: { name: 'ECDSA', namedCurve: 'P-256' },
    verifyParams: { name: 'ECDSA', hash: 'SHA-256' }, // WebCrypto's ECDSA signature is raw r||s, as published
  },
];

/**
 * Verifies signed messages against the pinned public keys, with WebCrypto. `check(frame)` answers null (deliver),
 * a reason (`unsigned`, `unknown_kid`, `bad_signature`, `unsupported_algorithm`, `bad_public_key`, `expired`), or a
 * promise of either that never rejects. Each key is imported once.
 */
class MessageVerifier {
  #keys = new Map(); // kid -> {type, der}
  #imported = new Map(); // kid -> promise of {key, type} or {reason}
  #require;
  #maxAgeMs;
  #now;
  #subtle;
  #report;
  #reported = new Set();

  constructor(publicKeys, { requireSignatures, maxAgeMs, now, subtle, report }) {
    if (typeof publicKeys !== 'object' || Array.isArray(publicKeys)) {
      throw new TypeError('connect(url): publicKeys must be an object {kid: base64 SPKI}');
    }
    for (const [kid, encoded] of Object.entries(publicKeys)) {
      const der = typeof encoded === 'string' ? decodeBase64(encoded.replace(/-----[^-]+-----/g, '')) : null;
      const hex = der && [...der].map((b) => b.toString(16).padStart(2, '0')).join('');
      const type = hex && KEY_TYPES.find((t) => der.length === t.length && hex.startsWith(t.spkiHead));
      if (!type) throw new TypeError(`connect(url): publicKeys.${kid} is not the base64 SPKI of an Ed25519 or P-256 key`);
      this.#keys.set(kid, { type, der });
    }
    this.#require = requireSignatures;
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
    this.#subtle = subtle;
    this.#report = report;
  }

  check(frame) {
    if (frame.kid === undefined && frame.sig === undefined) return this.#require ? 'unsigned' : null;
    if (typeof frame.kid !== 'string' || typeof frame.sig !== 'string') return 'bad_signature';
    if (!this.#keys.has(frame.kid)) return 'unknown_kid';
    let input;
    let signature;
    try {
      input = signingInput(frame.channel, frame.data, frame.ts);
      signature = decodeBase64(frame.sig, true);
    } catch {
      return 'bad_signature';
    }
    if (signature === null) return 'bad_signature';
    return this.#key(frame.kid)
      .then(async (k) => {
        if (k.reason) return k.reason;
        if (!(await this.#subtle.verify(k.type.verifyParams, k.key, signature, input))) return 'bad_signature';
        // genuine, but a replay of an old message is genuine too: its signed ts says how old it is
        return this.#now() - frame.ts > this.#maxAgeMs ? 'expired' : null;
      })
      .catch(() => 'bad_signature');
  }

  #key(kid) {
    let key = this.#imported.get(kid);
    if (!key) {
      key = this.#import(kid);
      this.#imported.set(kid, key);
    }
    return key;
  }

  async #import(kid) {
    const { type, der } = this.#keys.get(kid);
    if (!this.#subtle) {
      this.#once('webcrypto', { code: 'unsupported_algorithm', kid,
        message: 'WebCrypto (crypto.subtle) is not available, only pages served over https or from localhost have it: signed messages cannot be verified and are not delivered' });
      return { reason: 'unsupported_algorithm' };
    }
    try {
      return { type, key: await this.#subtle.importKey('spki', der, type.importParams, false, ['verify']) };
    } catch (e) {
      if (type.name === 'Ed25519' && e?.name === 'NotSupportedError') {
        this.#once('ed25519', { code: 'unsupported_algorithm', kid,
          message: "this browser's WebCrypto cannot verify Ed25519 signatures: messages signed with Ed25519 keys are not delivered" });
        return { reason: 'unsupported_algorithm' };
      }
      this.#once(`key:${kid}`, { code: 'bad_public_key', kid, message: `publicKeys.${kid} cannot be imported: ${e?.message ?? e}` });
      return { reason: 'bad_public_key' };
    }
  }

  #once(what, detail) {
    if (this.#reported.has(what)) return;
    this.#reported.add(what);
    this.#report(detail);
  }
}

/** Bytes of base64 (or, with `url`, base64url without padding); null when the text is not that. */
function decodeBase64(text, url = false) {
  const compact = text.replace(/\s+/g, '');
  const alphabet = url ? /^[A-Za-z0-9_-]*$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  if (!alphabet.test(compact) || compact.length % 4 === 1) return null;
  const standard = url ? compact.replace(/-/g, '+').replace(/_/g, '/') : compact.replace(/=+$/, '');
  try {
    return Uint8Array.from(atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function names(states) {
  return states.map((s) => s.channel).join(',');
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
