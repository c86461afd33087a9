#!/usr/bin/env node
// Starts telegram-test-api 4.2.1 (a local Bot API emulator) for the Python
// end-to-end tests and fixes, at runtime, what stops python-telegram-bot (PTB)
// from talking to it. node_modules is never edited.
//
//   node launch_emulator.js [PORT]     (or PORT=... ; 0 = pick a free port)
//
// Prints exactly one line `READY <port>` on stdout once listening; exits 0 on
// SIGTERM/SIGINT. Set DEBUG=TelegramServer:* for the emulator's own logs (stderr),
// FIRST_ID=N to start update and message ids at N (for a restart mid-test).
//
// How the fixes are hooked in: TelegramServer's constructor registers every
// route from the array exported by lib/routes/index.js, right after its body
// parsers. Prepending our own registration function to that array makes our
// handlers run first, so they can override a built-in route or add a missing
// one, while the original routes stay as a fallback. See README.md.
'use strict';

const { Readable } = require('stream');
const TelegramServer = require('telegram-test-api');
const { routes } = require('telegram-test-api/lib/routes/index');

const port = Number(process.argv[2] ?? process.env.PORT ?? 9000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`usage: node launch_emulator.js [PORT]  (bad port: ${process.argv[2] ?? process.env.PORT})`);
  process.exit(2);
}
const HOST = '127.0.0.1';
const MAX_POLL_SECONDS = 50; // real Telegram caps long polling at 50 s too
// 4.2.1's getMe has no is_bot, which PTB requires to build a User.
const BOT_USER = { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' };

const sec = (ms) => Math.floor(ms / 1000);
const ok = (res, result) => res.json({ ok: true, result });
const fail = (res, description, code = 400) =>
  res.status(code).json({ ok: false, error_code: code, description });

// Stored bot message (storage.botMessages entry, whose `message` is the raw
// request body) -> Bot API Message. 4.2.1 instead echoes the request body with
// `date` in milliseconds, which PTB turns into a datetime ~50 000 years ahead
// (ValueError), so every Message we hand to the bot is rebuilt here.
function botApiMessage(entry) {
  const b = entry.message;
  const chatId = Number(b.chat_id);
  const m = {
    message_id: entry.messageId,
    date: sec(entry.time),
    chat: { id: chatId, type: chatId < 0 ? 'group' : 'private' },
    from: BOT_USER,
  };
  for (const k of ['text', 'caption', 'document', 'photo']) if (b[k] !== undefined) m[k] = b[k];
  // Like Telegram, only inline keyboards are echoed back in a Message.
  if (b.reply_markup && b.reply_markup.inline_keyboard) m.reply_markup = b.reply_markup;
  if (entry.editTime) m.edit_date = sec(entry.editTime);
  return m;
}

// The built-in sendMessage route returns whatever addBotMessage returns; keep
// its storage side effects and only replace the returned object.
const origAddBotMessage = TelegramServer.prototype.addBotMessage;
TelegramServer.prototype.addBotMessage = function addBotMessage(raw, token) {
  origAddBotMessage.call(this, raw, token);
  return botApiMessage(this.storage.botMessages[this.storage.botMessages.length - 1]);
};

// Missing date -> time the emulator got it; milliseconds -> seconds.
const fixDate = (d, fallbackMs) => (!d ? sec(fallbackMs) : d > 1e11 ? sec(d) : d);

// Fields the client posts are passed to the bot verbatim; fill in what PTB
// needs and a test would not bother to send (date, chat_instance), drop ours.
function botApiUpdate(srv, u) {
  const upd = TelegramServer.formatUpdate(u);
  if (upd.message) {
    const { botToken, ...m } = upd.message;
    m.date = fixDate(m.date, u.time);
    upd.message = m;
  } else {
    const q = upd.callback_query;
    // A callback may reference the bot message by message_id (+chat) only:
    // complete it from storage so PTB gets a full Message it can edit.
    const qm = q.message || {};
    const stored = srv.storage.botMessages.find((e) => e.botToken === u.botToken
      && e.messageId === Number(qm.message_id)
      && (!qm.chat || String(e.message.chat_id) === String(qm.chat.id)));
    if (stored) q.message = { ...botApiMessage(stored), ...qm, date: sec(stored.time) };
    else if (q.message) q.message.date = fixDate(q.message.date, u.time);
    q.chat_instance = u.callbackQuery.chat_instance
      || String((q.message && q.message.chat && q.message.chat.id) || (q.from && q.from.id) || 0);
  }
  return upd;
}

const files = new Map(); // file_id -> { buf, meta }
function storeFile(buf, fileName, mimeType) {
  const id = `file_${files.size + 1}`;
  const meta = { file_id: id, file_unique_id: `u${id}`, file_size: buf.length };
  if (fileName) meta.file_name = fileName;
  if (mimeType) meta.mime_type = mimeType;
  files.set(id, { buf, meta });
  return meta;
}

// PTB uploads files as multipart/form-data, which express.json/urlencoded
// skip; Node's built-in fetch Response can parse it (no extra dependency).
async function parseBody(req) {
  if (!String(req.headers['content-type']).startsWith('multipart/form-data')) return req.body;
  const form = await new Response(Readable.toWeb(req), { headers: req.headers }).formData();
  const body = {};
  for (const [k, v] of form) {
    body[k] = typeof v === 'string' ? v
      : storeFile(Buffer.from(await v.arrayBuffer()), v.name, v.type || undefined);
  }
  return body;
}

const calls = []; // every bot API call except getUpdates, for assertions
const sleeper = new (require('events'))();
sleeper.setMaxListeners(0);

function launcherRoutes(app, srv) {
  const bot = (method, fn) => app.all(`/bot:token/${method}`, (req, res, next) => {
    Promise.resolve(fn(req, res, req.params.token)).catch(next);
  });

  app.use((req, res, next) => {
    // Built-in errors are HTTP 500 {message}: PTB only reports a bare
    // NetworkError "Internal Server Error (500)". Bot API shape + 400 makes
    // it raise BadRequest(<the emulator's text>), e.g. for unknown methods.
    res.sendError = (err) => fail(res, err.message, err.http || 400);
    const m = /^\/bot([^/]+)\/([^/?]+)/.exec(req.path);
    if (m && m[2] !== 'getUpdates') {
      res.on('finish', () => calls.push({
        // clone: sendMessage stores this very object, later edits mutate it
        token: m[1], method: m[2], params: structuredClone(req.body), time: Date.now(),
      }));
    }
    next();
  });

  // 4.2.1's client routes answer ok before storing, then throw unseen on a
  // missing botToken or (sendCommand) entities: check first, and derive the
  // bot_command entity from the text when a test leaves it out.
  app.post(['/sendMessage', '/sendCommand', '/sendCallback'], (req, res, next) => {
    const b = req.body;
    if (!b.botToken) return fail(res, 'client request needs botToken');
    if (req.path === '/sendCommand' && !b.entities) {
      if (!/^\/\S/.test(b.text || '')) return fail(res, 'sendCommand needs text starting with "/"');
      b.entities = [{ type: 'bot_command', offset: 0, length: b.text.split(/\s/)[0].length }];
    }
    return next();
  });

  bot('getMe', (req, res) => ok(res, BOT_USER));

  // 4.2.1 ignores offset/timeout: it answers at once (PTB would spin in a
  // busy loop) and marks updates read when sent (lost if PTB drops the
  // response). Here: Telegram semantics, updates < offset are confirmed,
  // the rest re-sent; with none pending, wait up to `timeout` seconds.
  // An update PTB cannot parse is never confirmed: drop it after 3 tries
  // rather than let PTB refetch it in a tight loop.
  bot('getUpdates', async (req, res, token) => {
    const p = { ...req.query, ...req.body };
    const offset = Number(p.offset) || 0;
    const pending = () => {
      const mine = srv.storage.userMessages.filter((u) => u.botToken === token);
      if (offset > 0) mine.forEach((u) => { if (u.updateId < offset) u.isRead = true; });
      return mine.filter((u) => !u.isRead).slice(0, Number(p.limit) || 100);
    };
    const timeout = Math.min(Number(p.timeout) || 0, MAX_POLL_SECONDS);
    if (!pending().length && timeout > 0) {
      await new Promise((resolve) => {
        const done = () => { clearTimeout(t); sleeper.off('wake', done); resolve(); };
        const t = setTimeout(done, timeout * 1000);
        sleeper.on('wake', done);
        res.on('close', done); // client went away (req 'close' fires once its body is read)
      });
    }
    const out = pending();
    out.forEach((u) => {
      u.deliveries = (u.deliveries || 0) + 1;
      if (u.deliveries >= 3) {
        u.isRead = true;
        console.error(`emulator: update ${u.updateId} sent 3 times, never confirmed (malformed for PTB?); dropped`);
      }
    });
    ok(res, out.map((u) => botApiUpdate(srv, u)));
  });
  for (const ev of ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery']) {
    srv.on(ev, () => sleeper.emit('wake'));
  }

  bot('deleteWebhook', (req, res, token) => {
    srv.deleteWebhook(token);
    if (String(req.body.drop_pending_updates) === 'true') {
      srv.storage.userMessages.forEach((u) => { if (u.botToken === token) u.isRead = true; });
    }
    ok(res, true);
  });

  // 4.2.1 edits in place but answers `result: null` (PTB fails to build the
  // Message) and keeps the old inline keyboard when reply_markup is omitted.
  // The edited message is also re-queued (isRead=false) so the client's
  // /getUpdates returns it again, with the same messageId.
  const edit = (fields) => (req, res, token) => {
    const b = TelegramServer.normalizeMessage(req.body);
    if (b.inline_message_id) return fail(res, 'Bad Request: inline_message_id is not supported by the emulator');
    const entry = srv.storage.botMessages.find((e) => e.botToken === token
      && String(e.messageId) === String(b.message_id) && String(e.message.chat_id) === String(b.chat_id));
    if (!entry) return fail(res, 'Bad Request: message to edit not found');
    for (const f of [...fields, 'reply_markup']) {
      if (b[f] === undefined) delete entry.message[f]; else entry.message[f] = b[f];
    }
    entry.editTime = Date.now();
    entry.isRead = false;
    return ok(res, botApiMessage(entry));
  };
  bot('editMessageText', edit(['text', 'parse_mode']));
  bot('editMessageCaption', edit(['caption', 'parse_mode']));
  bot('editMessageReplyMarkup', edit([]));

  // 4.2.1 answers null on success; Telegram (and PTB's return type) say true.
  bot('deleteMessage', (req, res) => {
    let deleted = false;
    try {
      deleted = srv.deleteMessage(Number(req.body.chat_id), Number(req.body.message_id));
    } catch (e) { /* a stored callback without message.chat: treat as not found */ }
    return deleted ? ok(res, true) : fail(res, 'Bad Request: message to delete not found');
  });

  // Bot API methods 4.2.1 lacks (it answers 500 "not supported"), accepted as
  // no-ops returning what Telegram returns; the call log records them.
  for (const m of ['answerCallbackQuery', 'sendChatAction', 'setMyCommands', 'deleteMyCommands',
    'setMyDescription', 'setMyShortDescription', 'setMyName', 'setChatMenuButton', 'close', 'logOut']) {
    bot(m, (req, res) => ok(res, true));
  }
  bot('getMyCommands', (req, res) => ok(res, []));
  bot('getWebhookInfo', (req, res) => ok(res, { url: '', has_custom_certificate: false, pending_update_count: 0 }));

  // Files: sendDocument/sendPhoto (upload, or re-send by file_id), getFile and
  // the download URL (PTB needs base_file_url "http://HOST:PORT/file/bot").
  for (const kind of ['Document', 'Photo']) {
    bot(`send${kind}`, async (req, res, token) => {
      const b = await parseBody(req);
      req.body = b; // so the call log shows parsed fields
      const field = kind.toLowerCase();
      let meta = b[field];
      if (typeof meta === 'string') meta = files.has(meta) ? files.get(meta).meta : { file_id: meta, file_unique_id: `u${meta}` };
      if (!meta) return fail(res, `Bad Request: there is no ${field} in the request`);
      const msg = { chat_id: b.chat_id, caption: b.caption, parse_mode: b.parse_mode, reply_markup: b.reply_markup };
      msg[field] = kind === 'Photo' ? [{ ...meta, width: 0, height: 0 }] : meta;
      if (msg.reply_markup === undefined) delete msg.reply_markup;
      return ok(res, srv.addBotMessage(msg, token));
    });
  }
  bot('getFile', (req, res) => {
    const f = files.get(String(req.body.file_id || req.query.file_id));
    if (!f) return fail(res, 'Bad Request: invalid file_id');
    return ok(res, { file_id: f.meta.file_id, file_unique_id: f.meta.file_unique_id, file_size: f.meta.file_size, file_path: `files/${f.meta.file_id}` });
  });
  app.get('/file/bot:token/files/:id', (req, res) => {
    const f = files.get(req.params.id);
    if (!f) return fail(res, 'Not Found: file', 404);
    return res.type(f.meta.mime_type || 'application/octet-stream').send(f.buf);
  });

  // Launcher-only client endpoints (not in telegram-test-api).
  // POST /uploadFile?file_name=a.txt&mime_type=text/plain, raw bytes as body
  // -> {file_id, file_unique_id, file_size, ...} to put in a user message.
  app.post('/uploadFile', async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    ok(res, storeFile(Buffer.concat(chunks), req.query.file_name, req.query.mime_type));
  });
  // POST /getBotCalls {token, method?} -> [{method, params, time}] in call order.
  app.post('/getBotCalls', (req, res) => ok(res, calls
    .filter((c) => c.token === req.body.token && (!req.body.method || c.method === req.body.method))
    .map(({ method, params, time }) => ({ method, params, time }))));
}
routes.unshift(launcherRoutes);

// 4.2.1's client routes call async functions without awaiting them, so any
// failure there is an unhandled rejection: report it, keep the emulator alive.
process.on('unhandledRejection', (err) => console.error('emulator error:', err));

async function main() {
  const srv = new TelegramServer({ port: port || 9000, host: HOST });
  srv.config.port = port; // normalizeConfig turns 0 into 9000; we want "any free port"
  // FIRST_ID: where update and message ids start. Telegram's ids only grow, so an emulator
  // restarted in a test must continue above the ids the bot has confirmed, or the bot's
  // getUpdates offset would hide every new update.
  const firstId = Number(process.env.FIRST_ID || 1);
  srv.updateId = firstId;
  srv.messageId = firstId;
  await srv.start();
  process.stdout.write(`READY ${srv.server.address().port}\n`);
  const stop = async () => {
    sleeper.emit('wake'); // end pending long polls so the server can close
    setTimeout(() => process.exit(0), 3000).unref();
    await srv.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => { console.error(err); process.exit(1); });
