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
// Launcher-only client routes (README.md): /uploadFile, /getBotCalls,
// /sendInlineQuery, /getInlineQueryAnswer, /getMyCommands, /blockBot, /unblockBot.
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
// Thrown by a handler (see bot()/client() in launcherRoutes) -> fail(res, ...).
class ApiError extends Error {
  constructor(description, code = 400) { super(description); this.code = code; }
}
// Form-encoded bodies (PTB's default) carry arrays and objects as JSON strings.
function jsonParam(value, name) {
  if (typeof value !== 'string') return value;
  try { return JSON.parse(value); } catch (e) { throw new ApiError(`Bad Request: can't parse ${name} JSON object`); }
}

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
  // Launcher-made entry (/sendInlineQuery): 4.2.1's formatUpdate knows only
  // messages and callbacks, and would turn it into an empty message.
  if (u.inlineQuery) return { update_id: u.updateId, inline_query: u.inlineQuery };
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

// Launcher state, all keyed by bot token like the emulator's own storage.
const inlineQueries = new Map(); // inline_query_id -> { token, answer: null | stored answer }
let inlineQuerySeq = 0;
const commandMenus = new Map(); // `${token}\n${JSON scope}\n${language_code}` -> [BotCommand]
const blocked = new Set(); // `${token}\n${chat id}`: chats that blocked the bot (/blockBot)
// Bot methods that post into the chat named by chat_id: refused with 403 once it blocked the bot.
const SENDS_TO_CHAT = /^(send|copy|forward|edit|stop)/;

const INLINE_RESULT_TYPES = new Set(['article', 'audio', 'contact', 'document', 'game', 'gif',
  'location', 'mpeg4_gif', 'photo', 'sticker', 'venue', 'video', 'voice']);
const INLINE_CHAT_TYPES = new Set(['sender', 'private', 'group', 'supergroup', 'channel']);
// BotCommandScope type -> the fields it requires.
const SCOPE_FIELDS = {
  default: [], all_private_chats: [], all_group_chats: [], all_chat_administrators: [],
  chat: ['chat_id'], chat_administrators: ['chat_id'], chat_member: ['chat_id', 'user_id'],
};

// answerInlineQuery's results: what Telegram rejects, rejected here too.
function checkInlineResults(value) {
  const results = jsonParam(value, 'results');
  if (!Array.isArray(results)) throw new ApiError('Bad Request: results must be an array of InlineQueryResult');
  if (results.length > 50) throw new ApiError(`Bad Request: RESULTS_TOO_MUCH: ${results.length} results, at most 50 are allowed`);
  const ids = new Set();
  results.forEach((r, i) => {
    const where = `results[${i}]`;
    if (!r || typeof r !== 'object') throw new ApiError(`Bad Request: ${where} is not an object`);
    if (!INLINE_RESULT_TYPES.has(r.type)) throw new ApiError(`Bad Request: RESULT_TYPE_INVALID: ${where}.type ${JSON.stringify(r.type)}`);
    const idBytes = typeof r.id === 'string' ? Buffer.byteLength(r.id, 'utf8') : 0;
    if (idBytes < 1 || idBytes > 64) throw new ApiError(`Bad Request: RESULT_ID_INVALID: ${where}.id must be a string of 1-64 bytes`);
    if (ids.has(r.id)) throw new ApiError(`Bad Request: RESULT_ID_DUPLICATE: ${where}.id ${JSON.stringify(r.id)} is used twice`);
    ids.add(r.id);
    if (r.type !== 'article') return;
    if (typeof r.title !== 'string' || !r.title.trim()) throw new ApiError(`Bad Request: RESULT_TITLE_EMPTY: ${where} (article) needs a title`);
    const c = r.input_message_content;
    if (!c || typeof c !== 'object') throw new ApiError(`Bad Request: ${where} (article) needs input_message_content`);
    // Articles may also post a location, venue, contact or invoice instead of text.
    const textless = ['latitude', 'phone_number', 'payload'].some((k) => k in c);
    if (!textless && (typeof c.message_text !== 'string' || !c.message_text.trim())) {
      throw new ApiError(`Bad Request: MESSAGE_EMPTY: ${where}.input_message_content.message_text is empty`);
    }
  });
  return results;
}

function checkCommands(value) {
  if (value === undefined) throw new ApiError('Bad Request: parameter "commands" is required');
  const commands = jsonParam(value, 'commands');
  if (!Array.isArray(commands)) throw new ApiError('Bad Request: commands must be an array of BotCommand');
  if (commands.length > 100) throw new ApiError('Bad Request: too many commands: at most 100 are allowed');
  return commands.map((c, i) => {
    const { command, description } = c || {};
    if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) {
      throw new ApiError(`Bad Request: BOT_COMMAND_INVALID: commands[${i}].command ${JSON.stringify(command)} must be 1-32 characters of a-z, 0-9 and _`);
    }
    if (typeof description !== 'string' || !description.trim() || description.length > 256) {
      throw new ApiError(`Bad Request: BOT_COMMAND_DESCRIPTION_INVALID: commands[${i}].description must be 1-256 characters`);
    }
    return { command, description };
  });
}

// (scope, language_code) -> storage key. The scope is rebuilt in a fixed field order
// with numeric ids as numbers, so {"chat_id":"42"} and {"chat_id":42} are the same scope.
function commandsKey(token, scopeValue, languageCode) {
  const s = scopeValue === undefined || scopeValue === '' ? { type: 'default' } : jsonParam(scopeValue, 'scope');
  if (!s || typeof s !== 'object' || !Object.hasOwn(SCOPE_FIELDS, s.type)) {
    throw new ApiError(`Bad Request: invalid BotCommandScope type ${JSON.stringify(s && s.type)}`);
  }
  const scope = { type: s.type };
  for (const f of SCOPE_FIELDS[s.type]) {
    if (s[f] === undefined || s[f] === '') throw new ApiError(`Bad Request: BotCommandScope "${s.type}" needs ${f}`);
    scope[f] = /^-?\d+$/.test(String(s[f])) ? Number(s[f]) : String(s[f]);
  }
  const lang = languageCode === undefined ? '' : String(languageCode);
  if (!/^([a-z]{2})?$/.test(lang)) throw new ApiError(`Bad Request: invalid language_code ${JSON.stringify(lang)}: two letters (ISO 639-1) or empty`);
  return `${token}\n${JSON.stringify(scope)}\n${lang}`;
}

function launcherRoutes(app, srv) {
  const run = (fn, ...args) => (req, res, next) => Promise.resolve()
    .then(() => fn(req, res, ...args.map((a) => a(req))))
    .catch((e) => (e instanceof ApiError ? fail(res, e.message, e.code) : next(e)));
  const bot = (method, fn) => app.all(`/bot:token/${method}`, run(fn, (req) => req.params.token));
  const client = (path, fn) => app.post(path, run(fn));
  const params = (req) => ({ ...req.query, ...req.body });
  const needToken = (b) => { if (!b.botToken) throw new ApiError('client request needs botToken'); };

  app.use((req, res, next) => {
    // Built-in errors are HTTP 500 {message}: PTB only reports a bare
    // NetworkError "Internal Server Error (500)". Bot API shape + 400 makes
    // it raise BadRequest(<the emulator's text>), e.g. for unknown methods.
    res.sendError = (err) => fail(res, err.message, err.http || 400);
    const m = /^\/bot([^/]+)\/([^/?]+)/.exec(req.path);
    if (!m) return next();
    const [, token, method] = m;
    if (method !== 'getUpdates') {
      res.on('finish', () => calls.push({
        // clone: sendMessage stores this very object, later edits mutate it
        token, method, params: structuredClone(req.body), time: Date.now(),
        ...(res.statusCode >= 400 ? { error_code: res.statusCode } : {}),
      }));
    }
    return parseBody(req).then((body) => {
      req.body = body; // multipart uploads (sendDocument, ...) parsed once, here
      const chatId = { ...req.query, ...body }.chat_id;
      if (SENDS_TO_CHAT.test(method) && chatId !== undefined && blocked.has(`${token}\n${chatId}`)) {
        return fail(res, Number(chatId) < 0 ? 'Forbidden: bot was kicked from the group chat'
          : 'Forbidden: bot was blocked by the user', 403);
      }
      return next();
    }).catch(next);
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
  for (const ev of ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery', 'AddedUserInlineQuery']) {
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
  // Its own search throws on entries without `message` (inline queries), so
  // the lookup is done here, with the same matching rules.
  bot('deleteMessage', (req, res, token) => {
    const chatOf = (u) => (u.callbackQuery ? u.callbackQuery.message && u.callbackQuery.message.chat && u.callbackQuery.message.chat.id
      : u.message && (u.message.chat ? u.message.chat.id : u.message.chat_id));
    const hit = (u) => u.botToken === token && u.messageId === Number(req.body.message_id)
      && chatOf(u) !== undefined && String(chatOf(u)) === String(req.body.chat_id);
    const user = srv.storage.userMessages.find(hit);
    if (user) srv.removeUserMessage(user.updateId);
    const botMsg = !user && srv.storage.botMessages.find(hit);
    if (botMsg) srv.removeBotMessage(botMsg.updateId);
    return user || botMsg ? ok(res, true) : fail(res, 'Bad Request: message to delete not found');
  });

  // Bot API methods 4.2.1 lacks (it answers 500 "not supported"), accepted as
  // no-ops returning what Telegram returns; the call log records them.
  for (const m of ['answerCallbackQuery', 'sendChatAction',
    'setMyDescription', 'setMyShortDescription', 'setMyName', 'setChatMenuButton', 'close', 'logOut']) {
    bot(m, (req, res) => ok(res, true));
  }

  // Command menus, stored per (token, scope, language_code) like Telegram;
  // getMyCommands answers only the exact scope and language asked for.
  bot('setMyCommands', (req, res, token) => {
    const p = params(req);
    const commands = checkCommands(p.commands);
    commandMenus.set(commandsKey(token, p.scope, p.language_code), commands);
    return ok(res, true);
  });
  bot('deleteMyCommands', (req, res, token) => {
    const p = params(req);
    commandMenus.delete(commandsKey(token, p.scope, p.language_code));
    return ok(res, true);
  });
  bot('getMyCommands', (req, res, token) => {
    const p = params(req);
    return ok(res, commandMenus.get(commandsKey(token, p.scope, p.language_code)) || []);
  });

  // Inline mode: /sendInlineQuery queues the update, the bot answers here,
  // /getInlineQueryAnswer hands the stored answer to the test.
  bot('answerInlineQuery', (req, res, token) => {
    const p = params(req);
    const q = inlineQueries.get(String(p.inline_query_id));
    if (!q || q.token !== token || q.answer) {
      throw new ApiError('Bad Request: query is too old and response timeout expired or query ID is invalid');
    }
    const results = checkInlineResults(p.results);
    const button = p.button === undefined || p.button === '' ? null : jsonParam(p.button, 'button');
    q.answer = {
      results,
      cache_time: p.cache_time === undefined ? 300 : Number(p.cache_time),
      is_personal: String(p.is_personal) === 'true',
      next_offset: p.next_offset === undefined ? '' : String(p.next_offset),
      button,
    };
    return ok(res, true);
  });
  bot('getWebhookInfo', (req, res) => ok(res, { url: '', has_custom_certificate: false, pending_update_count: 0 }));

  // Files: sendDocument/sendPhoto (upload, or re-send by file_id), getFile and
  // the download URL (PTB needs base_file_url "http://HOST:PORT/file/bot").
  for (const kind of ['Document', 'Photo']) {
    bot(`send${kind}`, (req, res, token) => {
      const b = req.body; // multipart already parsed by the middleware above
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
  // POST /getBotCalls {token, method?} -> [{method, params, time, error_code?}] in call order.
  app.post('/getBotCalls', (req, res) => ok(res, calls
    .filter((c) => c.token === req.body.token && (!req.body.method || c.method === req.body.method))
    .map(({ token, ...c }) => c)));

  // POST /sendInlineQuery {botToken, from, query, offset?, chat_type?, location?}
  // -> {inline_query_id}; the bot gets an `inline_query` update.
  client('/sendInlineQuery', (req, res) => {
    const b = req.body;
    needToken(b);
    if (!b.from || b.from.id === undefined) throw new ApiError('sendInlineQuery needs from (a User with id)');
    if (typeof b.query !== 'string' || b.query.length > 256) throw new ApiError('sendInlineQuery needs query: a string of 0-256 characters');
    if (b.chat_type !== undefined && !INLINE_CHAT_TYPES.has(b.chat_type)) {
      throw new ApiError(`sendInlineQuery: chat_type must be one of ${[...INLINE_CHAT_TYPES].join(', ')}`);
    }
    const id = String(++inlineQuerySeq);
    const inlineQuery = { id, from: b.from, query: b.query, offset: b.offset || '', chat_type: b.chat_type || 'sender' };
    if (b.location) inlineQuery.location = b.location;
    inlineQueries.set(id, { token: b.botToken, answer: null });
    // addUserUpdate stores the entry and takes the next update_id (no webhook: synchronous).
    srv.addUserUpdate({ ...srv.getCommonFields(b.botToken), inlineQuery });
    srv.emit('AddedUserInlineQuery');
    return ok(res, { inline_query_id: id });
  });
  // POST /getInlineQueryAnswer {botToken, inline_query_id} -> the bot's answer, or null.
  client('/getInlineQueryAnswer', (req, res) => {
    needToken(req.body);
    const q = inlineQueries.get(String(req.body.inline_query_id));
    return ok(res, q && q.token === req.body.botToken ? q.answer : null);
  });

  // POST /getMyCommands {botToken, scope?, language_code?} -> the menu the bot set there, or [].
  client('/getMyCommands', (req, res) => {
    needToken(req.body);
    return ok(res, commandMenus.get(commandsKey(req.body.botToken, req.body.scope, req.body.language_code)) || []);
  });

  // POST /blockBot | /unblockBot {botToken, chatId}: while blocked, bot methods
  // that post to that chat_id answer 403 (PTB raises telegram.error.Forbidden).
  for (const [path, block] of [['/blockBot', true], ['/unblockBot', false]]) {
    client(path, (req, res) => {
      needToken(req.body);
      if (req.body.chatId === undefined || req.body.chatId === null || req.body.chatId === '') {
        throw new ApiError(`${path.slice(1)} needs chatId`);
      }
      const key = `${req.body.botToken}\n${req.body.chatId}`;
      if (block) blocked.add(key); else blocked.delete(key);
      return ok(res, true);
    });
  }
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
