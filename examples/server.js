// A demo server for sse-polyfill: sign-in with short-lived JWTs, a refresh cookie, and a notification
// stream that needs `Authorization: Bearer <jwt>`, something the native EventSource cannot send.
//
//   npm start                 (builds the library, then runs this file)
//   PORT=9000 node examples/server.js
//
// No dependencies: node:http, node:crypto and node:fs only.
import http from 'node:http'
import crypto from 'node:crypto'
import fs from 'node:fs'

// DEMO ONLY. A real server keeps its signing key out of the source code (environment, secret store)
// and rotates it. It is a constant here so that tokens and refresh cookies survive a server restart.
const DEMO_SECRET = 'sse-polyfill-demo-only-secret--never-hard-code-a-real-signing-key'

const HOST = '127.0.0.1'
const DEFAULT_PORT = 8080
// Short on purpose: you see a refresh and a reconnect every 20 s (test/demo.test.ts sets fewer).
const ACCESS_TOKEN_SECONDS = Number(process.env.ACCESS_TOKEN_SECONDS) || 20
const REFRESH_TOKEN_SECONDS = 12 * 60 * 60
const HEARTBEAT_MS = 5000
const RETRY_MS = 1000

// Notifications come from the wall clock, not from memory: number n happens at EPOCH + n * INTERVAL_MS,
// and its content depends on n only, so a restarted server can replay exactly what a client missed.
const EPOCH = Date.UTC(2026, 0, 1)
const INTERVAL_MS = 3000
const REPLAY_CAP = 50 // at most this many missed notifications are replayed on reconnect
const INITIAL_COUNT = 3 // without Last-Event-ID, a client starts with the latest few

const INDEX_HTML = new URL('./index.html', import.meta.url)
const GLOBAL_JS = new URL('../dist/sse-polyfill.global.js', import.meta.url)
const GLOBAL_JS_MAP = new URL('../dist/sse-polyfill.global.js.map', import.meta.url)

// ---------------------------------------------------------------------------------------------------
// Signing: HS256 JWTs for access, an HMAC-signed string for the refresh cookie.

const base64url = (input) => Buffer.from(input).toString('base64url')
const hmac = (text) => crypto.createHmac('sha256', DEMO_SECRET).update(text).digest('base64url')

/** Constant-time comparison of two base64url strings. */
function sameSignature(received, expected) {
  const a = Buffer.from(received)
  const b = Buffer.from(expected)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

const JWT_HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))

function issueAccessToken(name) {
  const iat = Math.floor(Date.now() / 1000)
  const exp = iat + ACCESS_TOKEN_SECONDS
  const payload = base64url(JSON.stringify({ sub: name, iat, exp }))
  const accessToken = `${JWT_HEADER}.${payload}.${hmac(`${JWT_HEADER}.${payload}`)}`
  return { accessToken, expiresAt: exp * 1000 } // expiresAt: milliseconds since the Unix epoch
}

/** Returns `{ ok: true, claims }` or `{ ok: false, reason }`. */
function verifyAccessToken(token) {
  const parts = token.split('.')
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' }
  const [header, payload, signature] = parts
  let alg, claims
  try {
    alg = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    return { ok: false, reason: 'malformed token' }
  }
  // Check the algorithm before anything else: never let the token choose it (no "none").
  if (alg !== 'HS256') return { ok: false, reason: 'unexpected algorithm' }
  if (!sameSignature(signature, hmac(`${header}.${payload}`))) return { ok: false, reason: 'bad signature' }
  if (typeof claims?.sub !== 'string' || !Number.isFinite(claims.exp)) return { ok: false, reason: 'malformed claims' }
  if (claims.exp * 1000 <= Date.now()) return { ok: false, reason: `token expired (${claims.sub})` }
  return { ok: true, claims }
}

// The refresh token is `base64url(name).expiry.nonce.signature`: it needs no server-side session, so
// it stays valid across restarts. The "refresh." prefix keeps it from ever verifying as anything else.
function issueRefreshToken(name) {
  const body = `${base64url(name)}.${Math.floor(Date.now() / 1000) + REFRESH_TOKEN_SECONDS}.${crypto.randomBytes(16).toString('hex')}`
  return `${body}.${hmac(`refresh.${body}`)}`
}

/** Returns the user name, or null. */
function verifyRefreshToken(token) {
  const parts = token.split('.')
  if (parts.length !== 4) return null
  const body = parts.slice(0, 3).join('.')
  if (!sameSignature(parts[3], hmac(`refresh.${body}`))) return null
  if (Number(parts[1]) * 1000 <= Date.now()) return null
  return Buffer.from(parts[0], 'base64url').toString('utf8')
}

function refreshCookie(value, maxAge) {
  return `refresh=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`
}

function readCookie(req, name) {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=')
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim()
  }
  return null
}

// ---------------------------------------------------------------------------------------------------
// Notifications.

const TOPICS = [
  (n) => ({ title: `Order #${n} shipped`, body: `Your parcel left the warehouse; tracking code TRK-${(n * 7919) % 100000}.` }),
  (n) => ({ title: 'New comment', body: `${['Grace', 'Alan', 'Barbara', 'Edsger'][n % 4]} replied to your post (comment ${n}).` }),
  (n) => ({ title: `Build #${n} passed`, body: `All ${100 + (n % 50)} tests green in ${20 + (n % 40)} s.` }),
  (n) => ({ title: 'Payment received', body: `Invoice ${n} was paid: ${((n % 900) + 100).toFixed(2)} EUR.` }),
  (n) => ({ title: 'Reminder', body: `Stand-up in ${(n % 15) + 1} minutes.` }),
]

const timeOf = (n) => EPOCH + n * INTERVAL_MS
const latestAt = (now) => Math.max(0, Math.floor((now - EPOCH) / INTERVAL_MS))

function notificationEvent(n) {
  const data = { n, ...TOPICS[n % TOPICS.length](n), at: new Date(timeOf(n)).toISOString() }
  return `id: ${n}\nevent: notification\ndata: ${JSON.stringify(data)}\n\n`
}

/** The notification stream of one request. */
const streams = new Set()

function handleNotifications(req, res) {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  const result = match ? verifyAccessToken(match[1]) : { ok: false, reason: 'no bearer token' }
  if (!result.ok) {
    log(`401 GET /notifications: ${result.reason}`)
    res.writeHead(401, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    })
    res.end(`Unauthorized: ${result.reason}\n`)
    return
  }
  const user = result.claims.sub
  const tokenEndsAt = result.claims.exp * 1000

  const rawLastId = req.headers['last-event-id']
  const lastId = rawLastId !== undefined && /^\d{1,15}$/.test(rawLastId.trim()) ? Number(rawLastId.trim()) : null

  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  })
  req.socket.setNoDelay(true)

  let ended = false
  let timer
  const write = (chunk) => {
    if (!ended && !res.destroyed) res.write(chunk)
  }
  const stream = {
    end(reason) {
      if (ended) return
      ended = true
      clearTimeout(timer)
      streams.delete(stream)
      if (!res.destroyed) res.end()
      log(`stream end   user=${user} (${reason})`)
    },
  }
  streams.add(stream)
  res.on('error', () => stream.end('write error'))
  res.on('close', () => stream.end('client disconnected'))

  // What to replay: everything after Last-Event-ID up to now (the latest REPLAY_CAP at most), or,
  // without one, the latest INITIAL_COUNT.
  const latest = latestAt(Date.now())
  const first = Math.max(1, lastId === null ? latest - INITIAL_COUNT + 1 : Math.max(lastId + 1, latest - REPLAY_CAP + 1))
  const count = Math.max(0, latest - first + 1)
  const range = count === 0 ? 'nothing to replay' : `replaying ${count}: #${first}..#${latest}`
  const missed = lastId === null ? 0 : latest - lastId
  const capped = missed > REPLAY_CAP ? ` (missed ${missed}, capped to the latest ${REPLAY_CAP})` : ''
  const message =
    lastId === null
      ? `Hello ${user}. No Last-Event-ID: starting with the latest ${count}.`
      : `Hello ${user}. Last-Event-ID ${lastId}: ${range}${capped}.`
  log(`stream open  user=${user} last-event-id=${rawLastId ?? '-'} ${range}${capped}, token ends in ${Math.round((tokenEndsAt - Date.now()) / 1000)} s`)

  write(`retry: ${RETRY_MS}\n\n`)
  write(`event: hello\ndata: ${JSON.stringify({ message, user, lastEventId: rawLastId ?? null })}\n\n`)
  for (let n = first; n <= latest; n++) write(notificationEvent(n))

  // One timer per connection: it wakes for the next notification, heartbeat or token expiry, whichever
  // comes first.
  let next = latest + 1
  let heartbeatAt = Date.now() + HEARTBEAT_MS
  const tick = () => {
    const now = Date.now()
    for (; timeOf(next) <= now; next++) write(notificationEvent(next))
    // The token this stream was opened with has expired: end the stream. The client reconnects (after
    // `retry`), its headers function refreshes the token, and Last-Event-ID resumes where it left off.
    if (now >= tokenEndsAt) return stream.end('access token expired')
    if (now >= heartbeatAt) {
      write(': heartbeat\n\n')
      heartbeatAt = now + HEARTBEAT_MS
    }
    timer = setTimeout(tick, Math.max(0, Math.min(timeOf(next), heartbeatAt, tokenEndsAt) - Date.now()))
  }
  tick()
}

// ---------------------------------------------------------------------------------------------------
// Sign-in.

function readJsonBody(req, limit = 10_000) {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks = []
    req.on('data', (chunk) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on('end', () => {
      if (size > limit) return reject(Object.assign(new Error('body too large'), { status: 413 }))
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'))
      } catch {
        reject(Object.assign(new Error('body is not JSON'), { status: 400 }))
      }
    })
    req.on('error', reject)
  })
}

async function handleLogin(req, res) {
  const body = await readJsonBody(req)
  const name = typeof body?.name === 'string' ? body.name.trim() : ''
  if (name === '' || name.length > 40 || /[\x00-\x1f\x7f]/.test(name)) {
    return sendText(res, 400, 'Send JSON {"name": "..."} with a name of 1 to 40 characters.')
  }
  log(`login        user=${name}`)
  sendJson(res, 200, issueAccessToken(name), { 'Set-Cookie': refreshCookie(issueRefreshToken(name), REFRESH_TOKEN_SECONDS) })
}

function handleRefresh(req, res) {
  const cookie = readCookie(req, 'refresh')
  const name = cookie && verifyRefreshToken(cookie)
  if (!name) {
    log(`401 POST /refresh: ${cookie ? 'invalid or expired' : 'no'} refresh cookie`)
    return sendText(res, 401, 'No valid refresh cookie: sign in again.')
  }
  log(`refresh      user=${name}`)
  sendJson(res, 200, issueAccessToken(name))
}

function handleLogout(req, res) {
  sendJson(res, 200, { ok: true }, { 'Set-Cookie': refreshCookie('', 0) })
}

// ---------------------------------------------------------------------------------------------------
// HTTP plumbing.

function sendText(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(text + '\n')
}

function sendJson(res, status, value, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(JSON.stringify(value))
}

function sendFile(res, file, contentType, missingText, headers = {}) {
  fs.readFile(file, (error, content) => {
    if (error) return missingText ? sendText(res, 500, missingText) : sendText(res, 404, 'Not found')
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache', ...headers })
    res.end(content)
  })
}

const routes = {
  'GET /': (req, res) =>
    sendFile(res, INDEX_HTML, 'text/html; charset=utf-8', 'examples/index.html is missing', {
      // The page uses inline script and style only, and loads nothing from elsewhere.
      'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'",
      'X-Content-Type-Options': 'nosniff',
    }),
  'GET /sse-polyfill.global.js': (req, res) =>
    sendFile(res, GLOBAL_JS, 'text/javascript; charset=utf-8', 'Run npm run build first', { 'X-Content-Type-Options': 'nosniff' }),
  'GET /sse-polyfill.global.js.map': (req, res) => sendFile(res, GLOBAL_JS_MAP, 'application/json; charset=utf-8'),
  'GET /favicon.ico': (req, res) => res.writeHead(204).end(),
  'POST /login': handleLogin,
  'POST /refresh': handleRefresh,
  'POST /logout': handleLogout,
  'GET /notifications': handleNotifications,
}

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  const route = routes[`${req.method} ${path}`]
  if (!route) {
    const known = Object.keys(routes).some((key) => key.endsWith(` ${path}`))
    return known ? sendText(res, 405, 'Method not allowed') : sendText(res, 404, 'Not found')
  }
  try {
    await route(req, res)
  } catch (error) {
    if (!res.headersSent) sendText(res, error.status ?? 500, error.status ? error.message : 'Internal server error')
    if (!error.status) console.error(error)
  }
})

function log(line) {
  console.log(`${new Date().toISOString().slice(11, 23)} ${line}`)
}

// ---------------------------------------------------------------------------------------------------
// Start and stop.

const portText = process.env.PORT ?? ''
const port = portText === '' ? DEFAULT_PORT : Number(portText)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${portText}"`)
  process.exit(1)
}

let busyNote = ''
server.on('error', (error) => {
  if (error.code === 'EADDRINUSE' && !busyNote) {
    busyNote = ` (port ${port} is in use, so another one was picked)`
    server.listen(0, HOST)
    return
  }
  console.error(`sse-polyfill demo: cannot listen: ${error.message}`)
  process.exit(1)
})
server.on('listening', () => {
  console.log(`sse-polyfill demo: http://${HOST}:${server.address().port}/${busyNote}`)
})
server.listen(port, HOST)

function shutdown(signal) {
  log(`${signal}: shutting down`)
  for (const stream of [...streams]) stream.end('server shutting down')
  server.close(() => process.exit(0))
  server.closeAllConnections()
  setTimeout(() => process.exit(0), 1000).unref()
}
process.once('SIGINT', () => shutdown('SIGINT'))
process.once('SIGTERM', () => shutdown('SIGTERM'))
