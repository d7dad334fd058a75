// The operator's status page, served at GET / by the control server. One self-contained
// document (no external assets, works offline and on a phone): it polls /api/status every
// 2 s and posts skip, stop-after-current, reload and break-in. With a token, open it as
// /?token=TOKEN; the script sends the token as a Bearer header on every request.
// Everything from the station is inserted with textContent, never as HTML.
#include "station/control_server.hpp"

namespace onair {

const char* control_page_html() {
  return R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>onair</title>
<style>
:root { color-scheme: light dark; --ok: #2e7d32; --bad: #c62828; --line: #8884; }
* { box-sizing: border-box; }
body { font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 42rem; padding: .75rem; }
header { display: flex; justify-content: space-between; align-items: baseline; gap: .5rem; flex-wrap: wrap; }
h1 { font-size: 1.15rem; margin: 0; overflow-wrap: anywhere; }
#conn { font-size: .85rem; }
#conn.ok { color: var(--ok); } #conn.bad, .err { color: var(--bad); font-weight: 600; }
section { border: 1px solid var(--line); border-radius: .6rem; padding: .6rem .8rem; margin: .6rem 0; }
.label { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; opacity: .7; }
.big { font-size: 1.35rem; font-weight: 650; overflow-wrap: anywhere; }
.small { font-size: .85rem; opacity: .8; overflow-wrap: anywhere; }
.bar { height: .9rem; background: var(--line); border-radius: .45rem; overflow: hidden; margin: .45rem 0 .2rem; }
.bar > div { height: 100%; width: 0; background: var(--ok); transition: width 1.9s linear; }
.row { display: flex; justify-content: space-between; gap: .4rem 1rem; flex-wrap: wrap; }
.hold { color: var(--bad); font-weight: 600; }
#alarms { margin: .2rem 0; padding-left: 1.2rem; }
#alarms li { color: var(--bad); font-weight: 600; }
#alarmbox.on { border-color: var(--bad); border-width: 2px; }
.buttons { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .5rem; }
button { font: inherit; min-height: 2.9rem; padding: .5rem .9rem; border-radius: .5rem;
         border: 1px solid #8889; cursor: pointer; }
button:disabled { opacity: .5; }
.danger { background: var(--bad); color: #fff; border: none; font-weight: 650; width: 100%; }
label { display: block; margin: .4rem 0; font-size: .9rem; }
input, select { font: inherit; width: 100%; padding: .55rem; margin-top: .15rem; border-radius: .4rem;
                border: 1px solid #8889; }
.meter { height: .7rem; background: var(--line); border-radius: .35rem; overflow: hidden; margin: .35rem 0; }
.meter > div { height: 100%; width: 0; background: var(--ok); }
.meter > div.hot { background: var(--bad); }
#msg { min-height: 1.4em; margin: .5rem 0 0; overflow-wrap: anywhere; }
</style>
</head>
<body>
<header><h1 id="station">onair</h1><span id="conn">connecting…</span></header>

<section>
  <div class="label">On air <span id="program"></span></div>
  <div class="big" id="title">—</div>
  <div class="small" id="source"></div>
  <div class="bar"><div id="progress"></div></div>
  <div class="row small"><span id="position">—</span><span id="remaining"></span></div>
  <div class="hold" id="hold" hidden>Stops after this item</div>
</section>

<section>
  <div class="label">Next</div><div id="next">—</div>
  <div class="label" style="margin-top:.4rem">Next hard start</div><div id="hard">—</div>
</section>

<section id="alarmbox">
  <div class="label">Alarms</div>
  <ul id="alarms"></ul><div id="noalarms">None</div>
</section>

<section class="row">
  <span>Output <b id="output">—</b></span>
  <span>Buffer <b id="buffer">—</b></span>
  <span>Underruns <b id="underruns">—</b></span>
  <span>Drift <b id="drift">—</b></span>
</section>

<section id="loudness">
  <div class="label">Loudness on the output (EBU R128)</div>
  <div class="meter" title="short-term loudness, −40 … 0 LUFS"><div id="lufsbar"></div></div>
  <div class="row small">
    <span>Momentary <b id="momentary">—</b></span>
    <span>Short-term <b id="shortterm">—</b></span>
    <span>Peak <b id="peak">—</b></span>
    <span>AGC <b id="agc">—</b></span>
    <span>Limiter <b id="limiter">—</b></span>
  </div>
</section>

<section>
  <div class="buttons">
    <button id="skip" type="button">Skip this item</button>
    <button id="stop" type="button">Stop after this item</button>
    <button id="reload" type="button">Reload schedules</button>
  </div>
  <p id="msg" role="status" aria-live="polite"></p>
</section>

<section>
  <form id="breakin" autocomplete="off">
    <div class="label">Break in — urgent announcement, interrupts at once</div>
    <label>File, relative to the media root
      <input name="file" required placeholder="alerts/storm-warning.mp3" autocapitalize="off" spellcheck="false"></label>
    <label>Title (for the as-run log)<input name="title" maxlength="200"></label>
    <label>Air it
      <select name="repeat">
        <option value="1">once</option><option value="2">2 times</option><option value="3">3 times</option>
        <option value="4">4 times</option><option value="5">5 times</option><option value="6">6 times</option>
        <option value="7">7 times</option><option value="8">8 times</option><option value="9">9 times</option>
        <option value="10">10 times</option>
      </select></label>
    <button class="danger" type="submit">Break in now</button>
  </form>
</section>

<script>
'use strict';
const POLL_MS = 2000;
const token = new URLSearchParams(location.search).get('token');
const auth = token ? { 'Authorization': 'Bearer ' + token } : {};
const $ = (id) => document.getElementById(id);
const isNum = (v) => typeof v === 'number' && isFinite(v);
const two = (n) => String(n).padStart(2, '0');
let last = {};

function show(id, value) {
  $(id).textContent = (value === undefined || value === null || value === '') ? '—' : String(value);
}
// Station local time from an ISO string ("2011-11-26T05:30:00.000+07:00" -> "05:30:00").
function clock(iso) {
  return typeof iso === 'string' && iso.length >= 19 ? iso.slice(11, 19) : '—';
}
function dur(s) {
  if (!isNum(s)) return '—';
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), x = s % 60;
  return (h ? h + ':' + two(m) : m) + ':' + two(x);
}
function msg(text, bad) {
  $('msg').textContent = text;
  $('msg').className = bad ? 'err' : '';
}

function render(st) {
  last = st;
  show('station', st.station || 'onair');
  const a = st.on_air;
  if (a) {
    show('title', a.title || a.source);
    $('program').textContent = a.program ? '· ' + a.program : '';
    $('source').textContent = a.source && a.source !== a.title ? a.source : '';
    const known = isNum(a.position_s) && isNum(a.remaining_s) && a.position_s + a.remaining_s > 0;
    $('progress').style.width = known ? (100 * a.position_s / (a.position_s + a.remaining_s)).toFixed(1) + '%' : '0';
    $('position').textContent = dur(a.position_s) + (a.start ? ' since ' + clock(a.start) : '');
    $('remaining').textContent = isNum(a.remaining_s) ? '−' + dur(a.remaining_s) + ' left' : '';
  } else {
    show('title', st.state === 'starting' ? 'Starting…' : 'Nothing on air');
    $('program').textContent = $('source').textContent = $('remaining').textContent = '';
    $('position').textContent = '—';
    $('progress').style.width = '0';
  }
  const n = st.next;
  show('next', n ? (n.title || n.source || '?') + (n.start ? ' at ' + clock(n.start) : '') : null);
  const h = st.next_hard_start;
  const until = h ? (Date.parse(h.start) - Date.parse(st.now)) / 1000 : NaN;
  show('hard', h ? (h.program || h.title || '?') + ' at ' + clock(h.start) + (isNum(until) ? ' (in ' + dur(until) + ')' : '') : null);

  const alarms = Array.isArray(st.alarms) ? st.alarms : [];
  const list = $('alarms');
  list.replaceChildren(...alarms.map((al) => {
    const li = document.createElement('li');
    li.textContent = (al.kind ? '[' + al.kind + '] ' : '') + (al.message || '') +
        (al.first ? ' (since ' + clock(al.first) + (al.count > 1 ? ', ' + al.count + ' times' : '') + ')' : '');
    return li;
  }));
  $('noalarms').hidden = alarms.length > 0;
  $('alarmbox').className = alarms.length ? 'on' : '';

  show('buffer', isNum(st.buffer_s) ? Math.round(1000 * st.buffer_s) + ' ms' : null);
  show('output', st.output);
  show('underruns', isNum(st.underruns) ? st.underruns : null);
  show('drift', isNum(st.drift_ppm) ? (st.drift_ppm >= 0 ? '+' : '') + st.drift_ppm.toFixed(1) + ' ppm' : null);
  // The meter: short-term loudness on a −40 … 0 LUFS scale; red above the ceiling's
  // neighbourhood (−9 LUFS short-term, or a peak over −1 dBTP).
  const l = st.loudness || {};
  const db = (v, unit) => isNum(v) ? (v > 0 ? '+' : '') + v.toFixed(1) + ' ' + unit : null;
  show('momentary', db(l.momentary_lufs, 'LUFS'));
  show('shortterm', db(l.short_term_lufs, 'LUFS'));
  show('peak', db(l.peak_dbtp, 'dBTP'));
  show('agc', db(l.agc_gain_db, 'dB'));
  show('limiter', isNum(l.limiter_db) ? (l.limiter_db > 0 ? '−' : '') + l.limiter_db.toFixed(1) + ' dB' : null);
  const s = isNum(l.short_term_lufs) ? Math.min(100, Math.max(0, (l.short_term_lufs + 40) * 2.5)) : 0;
  $('lufsbar').style.width = s.toFixed(1) + '%';
  $('lufsbar').className = (isNum(l.short_term_lufs) && l.short_term_lufs > -9) || (isNum(l.peak_dbtp) && l.peak_dbtp > -1) ? 'hot' : '';
  // state "held": stopped after an item on the operator's request; stop_after_current (if the
  // station reports it): the request is pending.
  const held = st.state === 'held';
  $('hold').hidden = !(held || st.stop_after_current);
  $('hold').textContent = held ? 'HELD: stopped after the item on the operator\'s request' : 'Stops after this item';
  $('stop').textContent = held || st.stop_after_current ? 'Resume the schedule' : 'Stop after this item';
}

async function refresh() {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 5000);
  try {
    const r = await fetch('/api/status', { headers: auth, cache: 'no-store', signal: ctl.signal });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || 'HTTP ' + r.status);
    render(body);
    $('conn').textContent = 'live · ' + (body.now ? clock(body.now) : new Date().toLocaleTimeString());
    $('conn').className = 'ok';
  } catch (e) {
    $('conn').textContent = 'NO CONTACT with the station: ' + (e.name === 'AbortError' ? 'timed out' : e.message);
    $('conn').className = 'bad';
  } finally {
    clearTimeout(timer);
  }
}
async function loop() {
  await refresh();
  setTimeout(loop, POLL_MS);
}

async function post(path, body, done) {
  const buttons = document.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  msg('…', false);
  try {
    const r = await fetch(path, {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, auth),
      body: JSON.stringify(body || {}),
    });
    const j = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(j.error || 'HTTP ' + r.status);
    msg(done, false);
    return true;
  } catch (e) {
    msg('Failed: ' + e.message, true);
    return false;
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    refresh();
  }
}

$('skip').addEventListener('click', () => {
  const what = last.on_air ? (last.on_air.title || last.on_air.source) : 'the item on air';
  if (confirm('Skip "' + what + '" now?')) post('/api/skip', {}, 'Skipped.');
});
$('stop').addEventListener('click', () => {
  const enable = !(last.state === 'held' || last.stop_after_current);
  post('/api/stop-after-current', { enable }, enable ? 'Will stop after this item.' : 'Resuming the schedule.');
});
$('reload').addEventListener('click', () => post('/api/reload', {}, 'Schedules reloaded.'));
$('breakin').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const field = (name) => f.elements.namedItem(name).value.trim();  // f.title would be the form's own attribute
  const body = { file: field('file'), repeat: Number(field('repeat')) };
  if (field('title')) body.title = field('title');
  const times = body.repeat > 1 ? ' ' + body.repeat + ' times' : '';
  if (!confirm('Break in NOW with ' + body.file + times + '? This cuts what is on air.')) return;
  if (await post('/api/break-in', body, 'Break-in started: ' + body.file + times + '.')) f.reset();
});

loop();
</script>
</body>
</html>
)HTML";
}

}  // namespace onair
