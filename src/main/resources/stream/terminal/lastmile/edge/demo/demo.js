// The demo page: subscribes to one channel with the browser client of this listener (/client.js), charts its
// messages and shows what the client does (transport, position, reconnects, gaps). Text goes in with
// textContent only: channel data is never parsed as HTML.
import { LiveChart } from './chart.js';

const params = new URLSearchParams(location.search);
const channel = params.get('channel') || 'demo.indicator';
const transports = (params.get('transports') || 'websocket,sse').split(',').map((t) => t.trim()).filter(Boolean);
const MAX_EVENTS = 50;

const $ = (id) => document.getElementById(id);
const chart = new LiveChart($('chart'));
const counts = { messages: 0, reconnects: 0, gaps: 0 };
$('channel').textContent = channel;

function setState(state) {
  $('state').textContent = state;
  $('state').dataset.state = state;
}

function logEvent(kind, text) {
  const item = document.createElement('li');
  item.className = kind;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  item.append(time, text);
  $('events').prepend(item);
  while ($('events').children.length > MAX_EVENTS) $('events').lastChild.remove();
}

function bump(name) {
  counts[name] += 1;
  $(name).textContent = String(counts[name]);
}

// A number, or an object with price (and sma, rsi as the demo feed sends), or else its first numeric field.
function point(data) {
  if (Number.isFinite(data)) return { price: data };
  if (data === null || typeof data !== 'object') return null;
  const num = (v) => (Number.isFinite(v) ? v : null);
  if (Number.isFinite(data.price)) return { price: data.price, sma: num(data.sma), rsi: num(data.rsi) };
  const first = Object.values(data).find(Number.isFinite);
  return first === undefined ? null : { price: first };
}

function onMessage(m) {
  bump('messages');
  $('offset').textContent = String(m.offset);
  $('epoch').textContent = m.epoch;
  if (Number.isFinite(m.ts)) $('delay').textContent = `${Math.max(0, Date.now() - m.ts)} ms`;
  const p = point(m.data);
  if (p) chart.push(p.price, p.sma ?? null, p.rsi ?? null);
}

async function start() {
  let connect;
  try {
    ({ connect } = await import('/client.js'));
  } catch (e) {
    setState('error');
    logEvent('close', `cannot load /client.js: ${e.message}`);
    return;
  }
  let client;
  try {
    client = connect(location.origin, { transports });
  } catch (e) {
    setState('error');
    logEvent('close', e.message); // e.g. an unknown name in ?transports=
    return;
  }
  client.addEventListener('open', (e) => {
    setState('open');
    $('transport').textContent = e.detail.transport;
    logEvent('open', `open over ${e.detail.transport}`);
  });
  client.addEventListener('reconnect', (e) => {
    setState('reconnecting');
    bump('reconnects');
    logEvent('reconnect', `reconnect #${e.detail.attempt} in ${Math.round(e.detail.delayMs)} ms`);
  });
  client.addEventListener('gap', (e) => {
    const d = e.detail;
    bump('gaps');
    chart.markGap();
    logEvent('gap', `gap on ${d.channel}: after offset ${d.lastOffset}, first available ${d.firstAvailable}`
      + ` (epoch ${d.epoch})`);
  });
  client.addEventListener('close', (e) => {
    const d = e.detail;
    setState(d.willReconnect ? 'reconnecting' : 'closed');
    $('transport').textContent = client.transport ?? '–';
    logEvent('close', `closed ${d.code}${d.reason ? ` (${d.reason})` : ''}${d.willReconnect ? '' : ', not reconnecting'}`);
  });
  client.subscribe(channel, onMessage);
  window.addEventListener('pagehide', () => client.close());
}

start();
