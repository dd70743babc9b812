// Turnout sandbox: a small Telegram-like client over the sandbox's JSON API.
// Server strings go in with textContent; only a message's `html` (sanitised by the backend)
// is assigned with innerHTML.
'use strict';

const $ = (sel) => document.querySelector(sel);

const state = {
  bot: null, personas: [], personaId: null, chatId: null,
  chats: [],                 // chat list of the current persona
  chat: null,                // the open chat as the messages endpoint described it
  lastChat: new Map(),       // persona id -> last open chat (memory only)
  unread: new Set(),         // "persona:chat" keys with unseen changes
  skew: 0, offset: 0,        // sandbox now minus browser now (ms); minutes skipped so far
  msgSeq: 0, chatSeq: 0,     // request counters: only the newest response gets rendered
  nodes: new Map(),          // message id -> {sig, node}: unchanged bubbles are reused, no flicker
  stick: true,               // the message list is scrolled to the bottom
};

// ---------- small helpers ----------

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

function button(cls, text, onClick) {
  const b = el('button', cls, text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

const ICONS = {
  file: 'M14 2H6c-1.1 0-1.99.9-1.99 2L4 20c0 1.1.89 2 1.99 2H18c1.1 0 2-.9 2-2V8l-6-6zm2 16H8v-2h8v2zm0-4H8v-2h8v2zm-3-5V3.5L18.5 9H13z',
  voice: 'M12 14c1.66 0 3-1.34 3-3V5c0-1.66-1.34-3-3-3S9 3.34 9 5v6c0 1.66 1.34 3 3 3zm5.3-3c0 3-2.54 5.1-5.3 5.1S6.7 14 6.7 11H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c3.28-.48 6-3.3 6-6.72h-1.7z',
  audio: 'M12 3v10.55c-.59-.34-1.27-.55-2-.55-2.21 0-4 1.79-4 4s1.79 4 4 4 4-1.79 4-4V7h4V3h-6z',
  pin: 'M12 2C8.13 2 5 5.13 5 9c0 5.25 7 13 7 13s7-7.75 7-13c0-3.87-3.13-7-7-7zm0 9.5c-1.38 0-2.5-1.12-2.5-2.5s1.12-2.5 2.5-2.5 2.5 1.12 2.5 2.5-1.12 2.5-2.5 2.5z',
  channel: 'M4 9c-1.1 0-2 .9-2 2v2c0 1.1.9 2 2 2h1v4h2v-4h1l5 3V6L8 9H4zm11.5 3c0-1.33-.58-2.53-1.5-3.35v6.69c.92-.81 1.5-2.01 1.5-3.34zM18 11v2h4v-2h-4z',
  supergroup: 'M16 11c1.66 0 3-1.34 3-3s-1.34-3-3-3-3 1.34-3 3 1.34 3 3 3zm-8 0c1.66 0 3-1.34 3-3S9.66 5 8 5 5 6.34 5 8s1.34 3 3 3zm0 2c-2.33 0-7 1.17-7 3.5V19h14v-2.5c0-2.33-4.67-3.5-7-3.5zm8 0c-.29 0-.62.02-.97.05 1.16.84 1.97 1.97 1.97 3.45V19h6v-2.5c0-2.33-4.67-3.5-7-3.5z',
};

// Icons are built as SVG nodes: the page has no emoji font guarantee and loads nothing external.
function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name] || ICONS.file);
  svg.append(path);
  return svg;
}

const COLORS = ['#e17076', '#eda86c', '#a695e7', '#7bc862', '#6ec9cb', '#65aadd', '#ee7aae'];
const colorFor = (key) => COLORS[Math.abs([...String(key)].reduce((h, c) => h * 31 + c.charCodeAt(0) | 0, 7)) % COLORS.length];
const initials = (name) => (name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => [...w][0]).join('').toUpperCase();

function avatar(name, key) {
  const a = el('div', 'avatar', initials(name));
  a.style.background = colorFor(key);
  return a;
}

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body instanceof FormData) opts.body = body;
  else if (body !== undefined) {
    opts.body = JSON.stringify(body);
    opts.headers['Content-Type'] = 'application/json';
  }
  let res;
  try { res = await fetch(path, opts); } catch { throw new Error('The sandbox server is not reachable'); }
  let data = null;
  try { data = await res.json(); } catch { /* not JSON: fall back to the status below */ }
  if (!res.ok) throw new Error((data && data.error) || `Error ${res.status}`);
  return data || {};
}

let toastTimer;
function toast(text) {
  const t = $('#toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 2500);
}
const fail = (err) => toast(err.message || String(err));

function showAlert(text) {  // window.alert would block headless tests
  $('#modal-text').textContent = text;
  $('#modal').hidden = false;
  $('#modal-ok').focus();
}

// ---------- time ----------

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');
const hhmm = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const dayMonth = (d) => `${d.getDate()} ${MONTHS[d.getMonth()]}`;
const sandboxNow = () => new Date(Date.now() + state.skew);  // the sandbox clock is real time + offset
const isToday = (d) => d.toDateString() === sandboxNow().toDateString();
const msgTime = (epoch) => { const d = new Date(epoch * 1000); return isToday(d) ? hhmm(d) : `${dayMonth(d)}, ${hhmm(d)}`; };

function duration(min) {
  const d = Math.floor(min / 1440), h = Math.floor((min % 1440) / 60), m = min % 60;
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ');
}

function setClock(clock) {
  if (!clock) return;
  const jumped = (clock.offset_minutes || 0) !== state.offset;
  state.skew = new Date(clock.now).getTime() - Date.now();
  state.offset = clock.offset_minutes || 0;
  renderClock();
  // After a skip "today" may be another day: times in the chat list and bubbles change.
  if (jumped && state.chatId != null) { loadMessages(); loadChats().catch(() => {}); }
}

function renderClock() {
  const d = sandboxNow();
  let text = `Sandbox time: ${DAYS[d.getDay()]} ${dayMonth(d)}, ${hhmm(d)}`;
  if (state.offset > 0) text += ` (+${duration(state.offset)} ahead)`;
  $('#clock').textContent = text;
  $('#clock').title = state.offset > 0
    ? 'Still this far ahead after a restart; "turnout sandbox --reset" starts the demo again at the real time'
    : '';
}

// ---------- personas and chat list ----------

const key = (persona, chat) => `${persona}:${chat}`;
const persona = () => state.personas.find((p) => p.id === state.personaId);

function renderPersonas() {
  const list = $('#persona-list');
  list.replaceChildren(...state.personas.map((p) => {
    const b = button('persona', null, () => { if (p.id !== state.personaId) selectPersona(p.id); });
    b.dataset.persona = p.id;
    b.classList.toggle('active', p.id === state.personaId);
    b.classList.toggle('unread', p.id !== state.personaId && [...state.unread].some((k) => k.startsWith(`${p.id}:`)));
    b.append(avatar(p.name, p.id), el('span', 'p-name', p.name), el('span', 'p-role', p.role || ''));
    b.title = `Act as ${p.name}`;
    return b;
  }));
  const me = persona();
  $('#viewing-as').textContent = me ? `as ${me.name}` : '';
}

function renderChats() {
  $('#chats').replaceChildren(...state.chats.map((c) => {
    const b = button('chat', null, () => openChat(c.id));
    b.dataset.chat = c.id;
    b.classList.toggle('active', c.id === state.chatId);
    b.classList.toggle('unread', state.unread.has(key(state.personaId, c.id)));
    const top = el('div', 'chat-top');
    if (c.type !== 'private') top.append(icon(c.type));
    top.append(el('span', 'chat-title', c.title));
    const when = c.date ? new Date(c.date * 1000) : null;
    const time = el('span', 'chat-time', when ? (isToday(when) ? hhmm(when) : dayMonth(when)) : '');
    b.append(avatar(c.title, c.id), top, time, el('span', 'chat-preview', c.preview || ''), el('span', 'dot'));
    return b;
  }));
}

async function loadChats() {
  const seq = ++state.chatSeq, pid = state.personaId;
  const data = await api('GET', `/api/personas/${pid}/chats`);
  if (seq !== state.chatSeq || pid !== state.personaId) return;
  state.chats = data.chats || [];
  // Unseen marks only make sense for chats this persona has.
  for (const k of state.unread) {
    const [p, c] = k.split(':').map(Number);
    if (p === pid && !state.chats.some((x) => x.id === c)) state.unread.delete(k);
  }
  renderChats();
  renderHeader();
}

async function selectPersona(pid, preferred) {
  const previous = state.chatId;
  state.personaId = pid;
  state.chatId = null;
  state.chats = [];
  renderPersonas();
  renderChats();
  clearMessages('');
  try { await loadChats(); } catch (err) { fail(err); }
  if (state.personaId !== pid) return;  // another persona was picked meanwhile
  // A chat from the hash, else the same chat (a shared group or channel), else the last one, else the bot.
  const has = (id) => state.chats.some((c) => c.id === id);
  openChat([preferred, previous, state.lastChat.get(pid)].find((id) => id != null && has(id)) ?? pid);
}

// ---------- the open chat ----------

const openInfo = () => state.chats.find((c) => c.id === state.chatId);

function renderHeader() {
  if (state.chatId == null) return;
  const known = state.chat && state.chat.id === state.chatId ? state.chat : null;
  const c = openInfo() || known || { title: state.chatId === state.personaId && state.bot ? state.bot.name : '', type: 'private' };
  $('#chat-title').textContent = c.title;
  const kind = { private: 'bot', channel: 'channel', supergroup: 'group' }[c.type] || c.type;
  const me = persona();
  $('#chat-sub').textContent = me ? `${kind} · you are ${me.name}` : kind;
  $('#chat-avatar').replaceWith(Object.assign(avatar(c.title, state.chatId), { id: 'chat-avatar' }));
}

function setCanSend(canSend) {
  $('#composer-wrap').hidden = !canSend;
  $('#readonly-note').hidden = canSend;
  if (!canSend) closePopups();
}

function clearMessages(note) {
  state.nodes.clear();
  const box = $('#messages');
  box.replaceChildren();
  if (note) box.append(el('div', 'placeholder', note));
}

function openChat(id) {
  state.chatId = id;
  state.lastChat.set(state.personaId, id);
  state.unread.delete(key(state.personaId, id));
  history.replaceState(null, '', `#p=${state.personaId}&c=${id}`);
  renderPersonas();
  renderChats();
  renderHeader();
  closePopups();
  const info = openInfo();
  setCanSend(!info || info.type !== 'channel');
  clearMessages('Loading…');  // never leave the previous chat's messages on screen
  state.stick = true;
  loadMessages();
}

async function loadMessages() {
  const seq = ++state.msgSeq, chatId = state.chatId, pid = state.personaId;
  let data;
  try {
    data = await api('GET', `/api/chats/${chatId}/messages?as=${pid}`);
  } catch (err) {
    if (seq === state.msgSeq) clearMessages(err.message);
    return;
  }
  if (seq !== state.msgSeq || chatId !== state.chatId) return;  // a newer load or another chat won
  state.chat = data.chat || null;
  if (!openInfo()) renderHeader();
  setCanSend(data.can_send !== false);
  renderMessages(data.messages || [], data.chat || openInfo() || { type: 'private' });
}

function renderMessages(messages, chat) {
  const box = $('#messages');
  const top = box.scrollTop;
  const today = sandboxNow().toDateString();
  const fresh = new Map();
  const nodes = messages.map((m) => {
    const sig = JSON.stringify(m) + today;  // times depend on "today"
    const old = state.nodes.get(m.id);
    const node = old && old.sig === sig ? old.node : renderMessage(m, chat);
    fresh.set(m.id, { sig, node });
    return node;
  });
  state.nodes = fresh;
  if (!nodes.length) nodes.push(el('div', 'placeholder', chat.type === 'private' ? 'No messages yet. Try /start.' : 'No messages yet.'));
  box.replaceChildren(...nodes);
  if (state.stick) box.scrollTop = box.scrollHeight;
  else box.scrollTop = top;
}

function renderMessage(m, chat) {
  const wrap = el('div', `message ${m.mine ? 'mine' : 'theirs'}`);
  wrap.dataset.id = m.id;
  const bubble = el('div', 'bubble');
  if (!m.mine && chat.type !== 'private' && m.sender) {
    const s = el('div', 'sender', m.sender);
    s.style.color = colorFor(m.sender);
    bubble.append(s);
  }
  const media = m.media || [];
  const visual = media.filter((x) => x.kind === 'photo' || x.kind === 'video');
  const files = media.filter((x) => !visual.includes(x));
  if (visual.length) bubble.append(renderVisual(visual));
  if (files.length) bubble.append(renderFiles(files));
  if (m.location) bubble.append(renderLocation(m.location));

  const meta = el('div', 'meta');
  if (m.edited) meta.append(el('span', 'edited', 'edited'));
  meta.append(el('span', 'time', msgTime(m.date)));
  if (m.html) {
    const text = el('div', 'text');
    text.innerHTML = m.html;  // sanitised by the backend
    fixLinks(text);
    text.querySelectorAll('.tg-spoiler').forEach((s) => s.addEventListener('click', () => s.classList.add('revealed')));
    text.style.setProperty('--meta-w', `${meta.textContent.length * 6.6 + 10}px`);  // room for the time
    bubble.append(text);
  } else if (visual.length && !files.length && !m.location) {
    meta.classList.add('overlay');  // a bare photo: the time sits on the picture
  } else {
    meta.classList.add('static');
  }
  bubble.append(meta);
  wrap.append(bubble);
  if (m.keyboard && m.keyboard.length) wrap.append(renderKeyboard(m));
  return wrap;
}

function onMediaLoad() { if (state.stick) $('#messages').scrollTop = $('#messages').scrollHeight; }

function renderVisual(items) {
  const box = el('div', `media visual${items.length > 1 ? ' album' : ''}${items.length % 2 ? ' odd' : ''}`);
  for (const item of items) {
    const node = item.kind === 'photo'
      ? Object.assign(el('img'), { alt: item.name || 'Photo', loading: 'lazy', onload: onMediaLoad })
      : Object.assign(el('video'), { controls: true, preload: 'metadata', onloadedmetadata: onMediaLoad });
    node.src = item.url;
    box.append(node);
  }
  return box;
}

const fileSize = (n) => (n == null ? '' : n < 1024 ? `${n} B`
  : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`);

const KIND_NAMES = { document: 'File', voice: 'Voice message', audio: 'Audio', animation: 'GIF', sticker: 'Sticker' };

function renderFiles(items) {
  const box = el('div', 'media files');
  for (const item of items) {
    const a = el('a', 'file');
    a.href = item.url;
    a.setAttribute('download', item.name || '');
    const badge = el('span', 'file-icon');
    badge.append(icon(item.kind === 'voice' || item.kind === 'audio' ? item.kind : 'file'));
    const info = el('span', 'file-info');
    info.append(el('span', 'file-name', item.name || KIND_NAMES[item.kind] || item.kind),
      el('span', 'file-size', [KIND_NAMES[item.kind], fileSize(item.size)].filter(Boolean).join(' · ')));
    a.append(badge, info);
    box.append(a);
  }
  return box;
}

function renderLocation(loc) {
  const a = el('a', 'location');
  const lat = Number(loc.latitude), lon = Number(loc.longitude);
  a.href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  const coords = el('span', 'coords');
  coords.append(icon('pin'), document.createTextNode(`${lat.toFixed(5)}, ${lon.toFixed(5)}`));
  a.append(coords);
  if (loc.title) a.append(el('span', 'loc-title', loc.title));
  if (loc.address) a.append(el('span', 'loc-address', loc.address));
  return a;
}

function renderKeyboard(m) {
  const kb = el('div', 'keyboard');
  for (const row of m.keyboard) {
    const r = el('div', 'kb-row');
    for (const btn of row) {
      const b = button('kb', btn.text, () => press(m, btn, b));
      if (btn.url && btn.start == null && startParam(btn.url) == null) b.classList.add('link');
      r.append(b);
    }
    kb.append(r);
  }
  return kb;
}

// ---------- links and buttons ----------

// The start parameter of https://t.me/<our bot>?start=X or tg://resolve?domain=<our bot>&start=X
// ('' without one), or null for any other address.
function startParam(href) {
  try {
    const u = new URL(href, location.href);
    const host = u.hostname.replace(/^www\./, '');
    const bot = state.bot && state.bot.username.toLowerCase();
    if ((host === 't.me' || host === 'telegram.me') && u.pathname.replace(/\/$/, '').toLowerCase() === `/${bot}`) {
      return u.searchParams.get('start') ?? '';
    }
    if (u.protocol === 'tg:' && host === 'resolve' && (u.searchParams.get('domain') || '').toLowerCase() === bot) {
      return u.searchParams.get('start') ?? '';
    }
  } catch { /* not a URL */ }
  return null;
}

// Links into the bot open its chat; web links open in a new tab that cannot reach back into
// this page; anything else (tg://, mailto:) would leave the sandbox, and says so instead.
function fixLinks(root) {
  for (const a of root.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    const start = startParam(href);
    if (start != null) {
      a.addEventListener('click', (e) => { e.preventDefault(); deepLink(start); });
    } else if (/^https?:\/\//i.test(href)) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    } else {
      a.addEventListener('click', (e) => { e.preventDefault(); openExternal(href); });
    }
  }
}

// Only web addresses leave the page (never javascript: or the like).
function openExternal(url) {
  if (/^https?:\/\//i.test(url)) window.open(url, '_blank', 'noopener');
  else toast(`Cannot open ${url} in the sandbox`);
}

// Like tapping t.me/<bot>?start=X in Telegram: open the bot's chat and send "/start X"
// (a bare t.me/<bot> link only opens the chat).
async function deepLink(start) {
  const pid = state.personaId;
  if (state.chatId !== pid) openChat(pid);
  if (start) await send(`/start ${start}`, pid);
}

async function press(m, btn, node) {
  if (btn.start != null) return deepLink(btn.start);
  if (btn.url) {
    const start = startParam(btn.url);
    return start != null ? deepLink(start) : openExternal(btn.url);
  }
  if (btn.callback == null) return toast('This button does nothing in the sandbox');
  node.classList.add('busy');
  try {
    const res = await api('POST', '/api/press', { as: state.personaId, chat_id: state.chatId, message_id: m.id, data: btn.callback });
    const answer = res.answer;
    if (answer && answer.text) (answer.show_alert ? showAlert : toast)(answer.text);
    if (answer && answer.url) {
      const start = startParam(answer.url);
      if (start != null) deepLink(start); else openExternal(answer.url);
    }
  } catch (err) { fail(err); }
  node.classList.remove('busy');
  loadMessages();
}

// ---------- composer ----------

async function send(text, chatId = state.chatId, entities = []) {
  const body = { as: state.personaId, chat_id: chatId, text };
  if (entities.length) body.entities = entities;
  try {
    await api('POST', '/api/send', body);
  } catch (err) { fail(err); return false; }
  state.stick = true;
  if (chatId === state.chatId) loadMessages();
  return true;
}

const composer = () => $('#text');

// Enter sends, Shift+Enter starts a new line (calls and descriptions have paragraphs); the
// formatting shortcuts are Telegram Desktop's.
const SHORTCUTS = { b: 'bold', i: 'italic', u: 'underline', k: 'link' };
const SHIFT_SHORTCUTS = { x: 'strikethrough', m: 'code', p: 'spoiler', n: 'plain' };
composer().addEventListener('keydown', (e) => {
  if (e.isComposing) return;
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('#composer').requestSubmit(); return; }
  if (e.key === 'Enter') { e.preventDefault(); document.execCommand('insertLineBreak'); return; }
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
  const kind = (e.shiftKey ? SHIFT_SHORTCUTS : SHORTCUTS)[e.key.toLowerCase()];
  if (!kind) return;
  const range = composerRange();
  // Nothing selected: Ctrl+B, I and U switch the style of what is typed next, as anywhere.
  if (range && range.collapsed && ['bold', 'italic', 'underline'].includes(kind)) return;
  e.preventDefault();
  applyFormat(kind);
});
// Only plain text comes in from outside: pasted or dropped HTML never reaches the page.
composer().addEventListener('paste', (e) => {
  e.preventDefault();
  document.execCommand('insertText', false, e.clipboardData.getData('text/plain'));
});
composer().addEventListener('drop', (e) => {
  e.preventDefault();
  const text = e.dataTransfer.getData('text/plain');
  const at = document.caretRangeFromPoint ? document.caretRangeFromPoint(e.clientX, e.clientY) : null;
  if (at) { const sel = getSelection(); sel.removeAllRanges(); sel.addRange(at); }
  if (text) document.execCommand('insertText', false, text);
});
// Emptied by hand, the browser leaves a <br> behind: clear it, and the placeholder shows.
composer().addEventListener('input', () => {
  if (!composer().textContent && composer().childNodes.length) composer().replaceChildren();
});

// What the composer holds as Telegram sends it: plain text and entities (offsets in UTF-16
// code units, which is what a JavaScript string counts), without space around it.
const BLOCKS = new Set(['DIV', 'P', 'LI', 'BLOCKQUOTE', 'PRE']);
const ENTITY_TYPES = ['bold', 'italic', 'underline', 'strikethrough', 'code', 'spoiler', 'text_link'];

function formatsOf(node, inherited) {
  const f = { ...inherited }, tag = node.nodeName, style = node.style || {};
  const deco = `${style.textDecorationLine || ''} ${style.textDecoration || ''}`;
  if (tag === 'B' || tag === 'STRONG' || style.fontWeight === 'bold' || Number(style.fontWeight) >= 600) f.bold = true;
  if (tag === 'I' || tag === 'EM' || style.fontStyle === 'italic') f.italic = true;
  if (tag === 'U' || deco.includes('underline')) f.underline = true;
  if (tag === 'S' || tag === 'STRIKE' || tag === 'DEL' || deco.includes('line-through')) f.strikethrough = true;
  if (tag === 'CODE') f.code = true;
  if (tag === 'SPAN' && node.classList.contains('tg-spoiler')) f.spoiler = true;
  if (tag === 'A' && node.getAttribute('href')) f.text_link = node.getAttribute('href');
  return f;
}

function readComposer() {
  let text = '';
  const pieces = [];  // [start, end, formats]
  const walk = (node, formats) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        const t = child.data.replace(/\u00a0/g, ' ');
        pieces.push([text.length, text.length + t.length, formats]);
        text += t;
      } else if (child.nodeName === 'BR') {
        pieces.push([text.length, text.length + 1, formats]);
        text += '\n';
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (BLOCKS.has(child.nodeName) && text && !text.endsWith('\n')) text += '\n';
        walk(child, formatsOf(child, formats));
      }
    }
  };
  walk(composer(), {});
  const lead = text.length - text.trimStart().length;
  const body = text.trim();
  const entities = [];
  const close = (run) => {
    const start = Math.max(run.start - lead, 0), end = Math.min(run.end - lead, body.length);
    if (end <= start) return;
    const entity = { type: run.type, offset: start, length: end - start };
    if (run.type === 'text_link') entity.url = run.value;
    entities.push(entity);
  };
  for (const type of ENTITY_TYPES) {
    let run = null;
    for (const [start, end, formats] of pieces) {
      if (start === end) continue;
      const value = formats[type];
      if (run && value === run.value && start === run.end) { run.end = end; continue; }
      if (run) close(run);
      run = value ? { type, value, start, end } : null;
    }
    if (run) close(run);
  }
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: body, entities };
}

$('#composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const { text, entities } = readComposer();
  if (!text) return;
  closePopups();
  // Cleared once sent, unless something else was typed meanwhile.
  if (await send(text, state.chatId, entities) && readComposer().text === text) composer().replaceChildren();
  composer().focus();
});

async function upload(file, mode) {
  const { text: caption, entities } = readComposer();
  const kept = [...composer().childNodes];
  const form = new FormData();
  for (const [k, v] of Object.entries({ as: state.personaId, chat_id: state.chatId, mode, caption })) form.append(k, v);
  if (entities.length) form.append('entities', JSON.stringify(entities));
  form.append('file', file, file.name);
  composer().replaceChildren();
  try {
    await api('POST', '/api/upload', form);
    state.stick = true;
    loadMessages();
  } catch (err) {
    fail(err);
    if (!composer().textContent) composer().replaceChildren(...kept);  // give the caption back
  }
}

// ---------- formatting ----------
// The browser edits the text (execCommand keeps undo working); the page only reads the result
// back as entities, so whatever tags it chose, what is sent is what is shown.

let savedRange = null;  // the composer's last selection: the link form applies to it

function composerRange() {
  const sel = getSelection();
  if (!sel.rangeCount) return null;
  const range = sel.getRangeAt(0);
  return composer().contains(range.commonAncestorContainer) ? range : null;
}

function restoreRange(range) {
  composer().focus();
  const sel = getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

// The menu shows while text in the composer is selected, as Telegram's apps show theirs.
function syncFormatMenu() {
  if (!$('#link-form').hidden) return;
  const range = composerRange();
  const show = !!range && !range.collapsed && !$('#composer-wrap').hidden;
  const menu = $('#format-menu');
  if (show === !menu.hidden) return;
  if (show) closePopups();
  menu.hidden = !show;
}

document.addEventListener('selectionchange', () => {
  const range = composerRange();
  if (range) savedRange = range.cloneRange();
  syncFormatMenu();
});

const within = (node, test) => {
  for (let n = node; n && n !== composer(); n = n.parentNode) if (n.nodeType === Node.ELEMENT_NODE && test(n)) return n;
  return null;
};
const unwrap = (node) => node.replaceWith(...node.childNodes);
const WRAPS = {
  code: { test: (n) => n.nodeName === 'CODE', make: () => el('code') },
  spoiler: { test: (n) => n.nodeName === 'SPAN' && n.classList.contains('tg-spoiler'), make: () => el('span', 'tg-spoiler') },
};

// Monospace and spoiler have no editing command: wrap the selection, or unwrap it again.
function toggleWrap(kind) {
  const { test, make } = WRAPS[kind];
  const sel = getSelection(), range = sel.getRangeAt(0);
  const inside = within(range.commonAncestorContainer, test);
  if (inside) { unwrap(inside); return; }
  const content = range.extractContents();
  content.querySelectorAll('*').forEach((n) => { if (test(n)) unwrap(n); });
  const wrap = make();
  wrap.append(content);
  range.insertNode(wrap);
  const again = document.createRange();
  again.selectNodeContents(wrap);
  sel.removeAllRanges();
  sel.addRange(again);
}

const FORMATS = {
  bold: () => document.execCommand('bold'),
  italic: () => document.execCommand('italic'),
  underline: () => document.execCommand('underline'),
  strikethrough: () => document.execCommand('strikeThrough'),
  code: () => toggleWrap('code'),
  spoiler: () => toggleWrap('spoiler'),
  link: () => openLinkForm(),
  plain: () => {
    document.execCommand('removeFormat');
    document.execCommand('unlink');
    const range = getSelection().getRangeAt(0);
    composer().querySelectorAll('code, span, a').forEach((n) => { if (range.intersectsNode(n)) unwrap(n); });
  },
};

function applyFormat(kind) {
  const range = composerRange() || savedRange;
  if (!range || range.collapsed) { toast('Select some text to format first'); return; }
  restoreRange(range);
  document.execCommand('styleWithCSS', false, false);  // <b>, not <span style="...">
  FORMATS[kind]();
  syncFormatMenu();
}

// Buttons that do not take the focus: the selection stays where it is.
$('#format-menu').addEventListener('mousedown', (e) => e.preventDefault());
$('#format-menu').addEventListener('click', (e) => {
  const item = e.target.closest('[data-format]');
  if (item) applyFormat(item.dataset.format);
});

function openLinkForm() {
  savedRange = composerRange().cloneRange();
  const current = within(savedRange.startContainer, (n) => n.nodeName === 'A');
  closePopups();
  $('#link-url').value = current ? current.getAttribute('href') : '';
  $('#link-form').hidden = false;
  $('#link-url').focus();
}

// A link leads to the web or into Telegram, as the apps allow; "example.org" means https.
function linkTarget(typed) {
  const url = /^[a-z][a-z0-9+.-]*:/i.test(typed) ? typed : `https://${typed}`;
  try {
    const u = new URL(url);
    if (/\s/.test(typed)) return null;
    if (u.protocol === 'tg:' || ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname)) return url;
  } catch { /* not an address */ }
  return null;
}

function applyLink() {
  const typed = $('#link-url').value.trim();
  const url = typed ? linkTarget(typed) : '';
  if (url == null) { toast('A link leads to an http, https or tg address'); $('#link-url').focus(); return; }
  $('#link-form').hidden = true;
  restoreRange(savedRange);
  document.execCommand(url ? 'createLink' : 'unlink', false, url || undefined);
  syncFormatMenu();
}

$('#link-apply').addEventListener('click', applyLink);
$('#link-cancel').addEventListener('click', () => { $('#link-form').hidden = true; restoreRange(savedRange); syncFormatMenu(); });
$('#link-url').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); applyLink(); }
});

for (const [id, mode] of [['#attach-photo', 'photo'], ['#attach-file', 'file']]) {
  $(id).addEventListener('change', (e) => {
    const file = e.target.files[0];
    e.target.value = '';  // the same file can be picked again
    if (file) upload(file, mode);
  });
}

function closePopups() {
  document.querySelectorAll('.popup').forEach((p) => { p.hidden = true; });
}

function togglePopup(id) {
  const p = $(id), wasHidden = p.hidden;
  closePopups();
  p.hidden = !wasHidden;
  return !p.hidden;
}

$('#commands-button').addEventListener('click', async () => {
  if (!togglePopup('#commands-menu')) return;
  const menu = $('#commands-menu');
  menu.replaceChildren(el('div', 'popup-note', 'Loading…'));
  let commands = [];
  try { commands = (await api('GET', `/api/personas/${state.personaId}/commands`)).commands || []; } catch (err) { fail(err); }
  menu.replaceChildren(...commands.map((c) => {
    const b = button('menu-item command', null, () => { closePopups(); send(`/${c.command}`); });
    b.append(el('span', 'cmd', `/${c.command}`), el('span', 'cmd-desc', c.description || ''));
    return b;
  }));
  if (!commands.length) menu.append(el('div', 'popup-note', 'The bot has no commands for this persona.'));
});

$('#attach-button').addEventListener('click', () => togglePopup('#attach-menu'));

$('#attach-menu').addEventListener('click', (e) => {
  const item = e.target.closest('[data-attach]');
  if (!item) return;
  closePopups();
  const what = item.dataset.attach;
  if (what === 'location') { $('#location-form').hidden = false; $('#loc-lat').focus(); }
  else $(what === 'photo' ? '#attach-photo' : '#attach-file').click();
});

async function sendLocation() {
  const latitude = parseFloat($('#loc-lat').value), longitude = parseFloat($('#loc-lon').value);
  if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) return toast('Latitude must be within ±90 and longitude within ±180');
  closePopups();
  try {
    await api('POST', '/api/location', { as: state.personaId, chat_id: state.chatId, latitude, longitude });
    state.stick = true;
    loadMessages();
  } catch (err) { fail(err); }
}

$('#loc-send').addEventListener('click', sendLocation);
$('#loc-cancel').addEventListener('click', closePopups);
$('#location-form').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && e.target.tagName === 'INPUT') { e.preventDefault(); sendLocation(); }
});

// Clicks outside an open popup (or Escape) close it, like any menu.
document.addEventListener('click', (e) => {
  if (e.target.closest('.popup, #commands-button, #attach-button')) return;
  closePopups();
  syncFormatMenu();  // a click that selected text in the composer keeps its menu
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') { closePopups(); $('#modal').hidden = true; }
});
$('#modal-ok').addEventListener('click', () => { $('#modal').hidden = true; });
$('#messages').addEventListener('scroll', (e) => {
  const box = e.target;
  state.stick = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
});

// ---------- time travel ----------

$('#skip').addEventListener('click', async () => {
  const select = $('#skip-by'), skip = $('#skip');
  skip.disabled = true;
  try {
    const res = await api('POST', '/api/skip', { minutes: Number(select.value) });
    setClock(res.clock);
    toast(`Skipped ahead ${select.selectedOptions[0].textContent}`);
  } catch (err) { fail(err); }
  skip.disabled = false;
});

// ---------- live updates ----------

function onChange(chatId) {
  if (chatId === state.chatId) {
    loadMessages();
  } else {
    // A private chat of another persona (its id is the persona's) gets a dot on that persona.
    const other = state.personas.find((p) => p.id === chatId && p.id !== state.personaId);
    state.unread.add(key(other ? other.id : state.personaId, chatId));
    renderPersonas();
  }
  loadChats().catch(() => {});  // previews and order
}

function connectEvents() {
  const events = new EventSource('/api/events');
  let opened = false;
  events.addEventListener('open', () => {
    if (opened && state.chatId != null) { loadChats().catch(() => {}); loadMessages(); }  // catch up after a reconnect
    opened = true;
  });
  events.addEventListener('change', (e) => {
    try { onChange(JSON.parse(e.data).chat_id); } catch { /* malformed event */ }
  });
  events.addEventListener('clock', (e) => {
    try { setClock(JSON.parse(e.data)); } catch { /* malformed event */ }
  });
}

// ---------- start ----------

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const num = (v) => (v && /^-?\d+$/.test(v) ? Number(v) : null);
  return { persona: num(params.get('p')), chat: num(params.get('c')) };
}

// Someone edited the address by hand: follow it.
window.addEventListener('hashchange', () => {
  const { persona: p, chat: c } = readHash();
  if (p != null && p !== state.personaId && state.personas.some((x) => x.id === p)) selectPersona(p, c);
  else if (c != null && c !== state.chatId) openChat(c);
});

async function init() {
  let s;
  try { s = await api('GET', '/api/state'); } catch (err) { clearMessages(err.message); return; }
  state.bot = s.bot;
  state.personas = s.personas || [];
  setClock(s.clock);
  setInterval(renderClock, 10000);
  const hash = readHash();
  const first = state.personas.find((p) => p.id === hash.persona) || state.personas[0];
  connectEvents();
  if (first) await selectPersona(first.id, hash.chat);
  else clearMessages('The sandbox has no personas.');
}

init();
