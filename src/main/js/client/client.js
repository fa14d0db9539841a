// last-mile browser client: one dependency-free ES module, served by edge listeners at /client.js.
// Protocol: docs/protocol.md; usage and behaviour: docs/client.md.

const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 30000, factor: 2, jitter: 0.5 };
const DEFAULT_TRANSPORTS = ['websocket', 'sse'];
const TRANSPORTS = new Set(DEFAULT_TRANSPORTS);

/**
 * Opens a client on a last-mile edge listener.
 *
 * @param {string} [url] the listener's base URL, `http(s)://host:port` (default: the page's origin)
 * @param {object} [options] `transports`, `token`, `backoff` ({initialMs, maxMs, factor, jitter}), `openTimeoutMs`;
 *   `WebSocket`, `EventSource`, `fetch` and `random` replace the globals (tests)
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
  /** channel -> {channel, handlers:Set, epoch, offset} (epoch null until a position is known) */
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
    this.#token = options.token;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#transports = options.transports ?? DEFAULT_TRANSPORTS;
    if (this.#transports.length === 0 || this.#transports.some((t) => !TRANSPORTS.has(t))) {
      throw new TypeError(`connect(url): transports must be a non-empty list of ${[...TRANSPORTS].join(', ')}`);
    }
    this.#openTimeoutMs = options.openTimeoutMs ?? 10000;
    this.#impl = { WebSocket: options.WebSocket, EventSource: options.EventSource, fetch: options.fetch };
    this.#random = options.random ?? Math.random;
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
      state = { channel, handlers: new Set(), epoch: since?.epoch ?? null, offset: since?.offset ?? 0 };
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
    const Impl = kind === 'websocket' ? this.#impl.WebSocket ?? globalThis.WebSocket : this.#impl.EventSource ?? globalThis.EventSource;
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
      error: (detail) => this.#emit('error', detail),
      subscribed: (result) => this.#subscribed(result),
      message: (frame) => this.#deliver(frame),
      channels: () => [...this.#channels.values()],
      fetch: this.#impl.fetch ?? globalThis.fetch,
    };
    const Connection = kind === 'websocket' ? WebSocketConnection : SseConnection;
    const connection = new Connection(Impl, this.#base, this.#token, this.#openTimeoutMs, hooks);
    this.#connection = connection;
    connection.start();
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
      this.#emit('gap', { channel: r.channel, epoch: r.epoch, lastOffset: state.offset, firstAvailable: r.first_available ?? null });
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
      this.#emit('gap', { channel: frame.channel, epoch: frame.epoch, lastOffset: state.offset, firstAvailable: frame.offset });
    }
    state.epoch = frame.epoch;
    state.offset = frame.offset;
    const m = { channel: frame.channel, offset: frame.offset, epoch: frame.epoch, data: frame.data, ts: frame.ts };
    for (const { handler } of [...state.handlers]) {
      try {
        handler(m);
      } catch (e) {
        // one handler's bug must not stop delivery to the others or break the connection
        (globalThis.reportError ?? console.error)(e);
      }
    }
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

/** The native protocol over one WebSocket (docs/protocol.md section 2). */
class WebSocketConnection {
  kind = 'websocket';
  open = false;
  #socket;
  #hooks;
  #nextId = 1;
  #pending = new Map(); // id -> channel of a subscribe awaiting its reply
  #notice = null;
  #done = false;
  #timeout;
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
    try {
      this.#socket = this.token ? new this.Impl(this.url.href, [this.token]) : new this.Impl(this.url.href);
    } catch (e) {
      this.#end(() => this.#hooks.failed());
      return;
    }
    // a socket that neither opens nor fails (a proxy swallowing it) counts as failed
    this.#timeout = setTimeout(() => this.#abandon(), this.openTimeoutMs);
    this.#socket.onopen = () => {
      clearTimeout(this.#timeout);
      this.open = true;
      this.#hooks.opened();
      for (const state of this.#hooks.channels()) this.subscribe(state);
    };
    this.#socket.onmessage = (e) => this.#frame(e.data);
    this.#socket.onclose = (e) => {
      if (this.open) this.#end(() => this.#hooks.closed(e.code, e.reason, this.#notice));
      else this.#end(() => this.#hooks.failed());
    };
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
 * Server-Sent Events (`GET /sse`). The browser's own EventSource reconnect is not used: on any error the stream
 * is closed and the client reconnects itself, with its backoff and fallback, from the positions it delivered.
 */
class SseConnection {
  kind = 'sse';
  open = false;
  #source;
  #hooks;
  #notice = null;
  #done = false;
  #timeout;
  #reopen = false;
  /** The channels of the stream being opened or open, as named in its URL. */
  #streamed = '';

  constructor(Impl, base, token, openTimeoutMs, hooks) {
    this.Impl = Impl;
    this.base = base;
    this.token = token;
    this.openTimeoutMs = openTimeoutMs;
    this.#hooks = hooks;
  }

  /** `/sse?channel=...`, with every known position as `last_event_id`. */
  url() {
    const url = new URL('/sse', this.base);
    const states = this.#hooks.channels();
    this.#streamed = names(states);
    for (const s of states) url.searchParams.append('channel', s.channel);
    const known = states.filter((s) => s.epoch !== null);
    if (known.length > 0) url.searchParams.set('last_event_id', positionToken(known));
    if (this.token) url.searchParams.set('token', this.token);
    return url.href;
  }

  start() {
    if (this.#hooks.channels().length === 0) {
      // a stream needs a channel: open as soon as there is one
      this.open = true;
      this.#hooks.opened();
      return;
    }
    this.#connect(() => this.#hooks.opened());
  }

  #connect(onFirstOpen) {
    try {
      this.#source = new this.Impl(this.url());
    } catch (e) {
      this.#end(() => this.#hooks.failed());
      return;
    }
    const source = this.#source;
    let opened = false;
    this.#timeout = setTimeout(() => this.#lost(), this.openTimeoutMs);
    source.onopen = () => {
      opened = true;
      clearTimeout(this.#timeout);
      if (!this.open) {
        this.open = true;
        onFirstOpen();
      }
      // channels added or dropped while this stream was opening
      if (names(this.#hooks.channels()) !== this.#streamed) this.#restream();
    };
    source.onmessage = (e) => {
      const frame = parse(e.data);
      if (frame?.type === 'message') this.#hooks.message(frame);
    };
    source.addEventListener('subscribed', (e) => {
      const result = parse(e.data);
      if (result) this.#hooks.subscribed(result);
    });
    source.addEventListener('disconnect', (e) => {
      this.#notice = parse(e.data);
    });
    source.addEventListener('error', (e) => {
      if (source !== this.#source) return;
      if (typeof e.data === 'string') {
        // the server's `event: error`; the stream stays open
        const body = parse(e.data);
        this.#hooks.error(body?.error ?? body ?? { code: 'internal', message: e.data });
        return;
      }
      // the connection failed or ended: an EventSource would retry by itself, this client decides instead
      if (!opened) this.#explain(source.url);
      this.#lost();
    });
  }

  /**
   * An EventSource hides why a request was refused: ask again with fetch, whose status and JSON body can be read
   * (the server refuses before it streams), and report the refusal. A stream that would open is cancelled at once.
   */
  #explain(url) {
    const { fetch, error } = this.#hooks;
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

  /** The stream failed, ended or did not open in time: a failed open, or the close of an open connection. */
  #lost() {
    if (!this.open) {
      this.#end(() => this.#hooks.failed());
      return;
    }
    const notice = this.#notice;
    this.#end(() => this.#hooks.closed(notice?.code ?? 1006, notice?.reason ?? 'stream ended', notice));
  }

  subscribe() {
    this.#restream();
  }

  unsubscribe() {
    this.#restream();
  }

  /** A stream's channels are fixed: change them by opening a new stream that resumes from every position. */
  #restream() {
    if (!this.open || this.#done || this.#reopen) return;
    this.#reopen = true;
    queueMicrotask(() => {
      this.#reopen = false;
      if (this.#done) return;
      clearTimeout(this.#timeout);
      this.#source?.close();
      this.#source = null;
      if (this.#hooks.channels().length > 0) this.#connect(() => {});
    });
  }

  shut() {
    this.#end(() => {});
  }

  #end(then) {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timeout);
    this.#source?.close();
    this.#source = null;
    then();
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
