/**
 * An XMLHttpRequest that behaves as React Native's does, over real HTTP (Node's http module), for the
 * XHR transport's tests in Node. What it reproduces of React Native (Libraries/Network/XMLHttpRequest.js
 * and its native networking module):
 * - each body read is decoded on its own (UTF-8, a character split between reads kept whole) and
 *   appended to `responseText`, then `readystatechange` (LOADING) and `progress` fire, once per read;
 * - the response headers arrive with `readystatechange` (HEADERS_RECEIVED); `statusText` stays empty;
 *   `getResponseHeader` ignores case; `responseURL` is the final URL;
 * - there is no `overrideMimeType`, and no CORS: the platform is not a browser;
 * - `abort()` dispatches `readystatechange` (DONE) and `abort` at once, synchronously, and forgets the
 *   response headers, as browsers do;
 * - redirects are followed by the platform (OkHttp, NSURLSession).
 * `browser` decodes as browsers do instead: by the Content-Type's charset parameter (UTF-8 without one),
 * unless `overrideMimeType` (which React Native lacks) named another.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'

type Handler = ((this: ReactNativeXMLHttpRequest, event: { type: string }) => void) | null

export interface XhrDoubleOptions {
  browser?: boolean
}

/** Every instance created, for tests that inspect them. */
export const createdRequests: ReactNativeXMLHttpRequest[] = []

export function reactNativeXhr(options: XhrDoubleOptions = {}): typeof ReactNativeXMLHttpRequest {
  return class extends ReactNativeXMLHttpRequest {
    constructor() {
      super(options)
    }
  }
}

export class ReactNativeXMLHttpRequest {
  static readonly UNSENT = 0
  static readonly OPENED = 1
  static readonly HEADERS_RECEIVED = 2
  static readonly LOADING = 3
  static readonly DONE = 4

  readyState = 0
  status = 0
  statusText = ''
  responseText = ''
  responseURL = ''
  withCredentials = false
  onreadystatechange: Handler = null
  onprogress: Handler = null
  onload: Handler = null
  onerror: Handler = null
  onabort: Handler = null
  /** The longest `responseText` this request held. */
  longestResponseText = 0
  readonly requestHeaders: Record<string, string> = {}

  #url = ''
  #method = 'GET'
  #responseHeaders: IncomingMessage['headers'] = {}
  #request: ClientRequest | undefined
  #decoder = new TextDecoder()
  #done = false

  #overriddenCharset: string | undefined
  declare overrideMimeType?: (mimeType: string) => void

  constructor(options: XhrDoubleOptions = {}) {
    createdRequests.push(this)
    if (options.browser) this.overrideMimeType = (mimeType) => (this.#overriddenCharset = charsetOf(mimeType))
  }

  open(method: string, url: string): void {
    this.#method = method
    this.#url = url
    this.#setReadyState(1)
  }

  setRequestHeader(name: string, value: string): void {
    this.requestHeaders[name] = value
  }

  getResponseHeader(name: string): string | null {
    const value = this.#responseHeaders[name.toLowerCase()]
    return value === undefined ? null : String(value)
  }

  getAllResponseHeaders(): string {
    return Object.entries(this.#responseHeaders)
      .map(([name, value]) => `${name}: ${String(value)}\r\n`)
      .join('')
  }

  /** Text bodies only (strings, URLSearchParams): what the tests send. */
  send(body: string | URLSearchParams | null = null): void {
    this.#get(this.#url, 0, body === null ? undefined : String(body))
  }

  abort(): void {
    this.#request?.destroy()
    this.#responseHeaders = {}
    if (this.#done) return
    this.#done = true
    this.#setReadyState(4)
    this.#fire('abort')
  }

  #get(url: string, redirects: number, body?: string): void {
    const request = httpRequest(url, { method: this.#method, headers: this.requestHeaders })
    this.#request = request
    request.on('response', (response) => {
      const location = response.headers.location
      if (location && [301, 302, 303, 307, 308].includes(response.statusCode!) && redirects < 20) {
        response.resume()
        return this.#get(new URL(location, url).href, redirects + 1, body)
      }
      this.status = response.statusCode!
      this.responseURL = url
      this.#responseHeaders = response.headers
      if (this.overrideMimeType) this.#decoder = new TextDecoder(this.#overriddenCharset ?? charsetOf(response.headers['content-type']) ?? 'utf-8')
      this.#setReadyState(2)
      response.on('data', (chunk: Buffer) => this.#receive(chunk))
      response.on('end', () => this.#finish('load'))
      response.on('error', () => this.#finish('error'))
    })
    request.on('error', () => this.#finish('error'))
    request.end(body)
  }

  #receive(chunk: Buffer): void {
    if (this.#done) return
    this.responseText += this.#decoder.decode(chunk, { stream: true })
    this.longestResponseText = Math.max(this.longestResponseText, this.responseText.length)
    this.#setReadyState(3)
    this.#fire('progress')
  }

  #finish(type: 'load' | 'error'): void {
    if (this.#done) return
    this.#done = true
    if (type === 'error') this.status = 0
    this.#setReadyState(4)
    this.#fire(type)
  }

  #setReadyState(state: number): void {
    this.readyState = state
    this.#fire('readystatechange')
  }

  #fire(type: string): void {
    const handler = this[`on${type}` as 'onload']
    handler?.call(this, { type })
  }
}

function charsetOf(mimeType: string | undefined): string | undefined {
  return /charset=([^;]+)/.exec(mimeType ?? '')?.[1]
}
