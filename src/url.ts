/**
 * Constructor steps 3-4: parse the URL against the environment's base URL, or throw a "SyntaxError".
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource
 */
export function resolveUrl(input: string | URL): string {
  // The argument is a USVString: anything is converted to a string first (`new EventSource(1)` works).
  const text = String(input)
  try {
    return new URL(text, baseUrl()).href
  } catch {
    // (React Native has no DOMException: its build injects a stand-in, see react-native/dom-events.ts.)
    throw new DOMException(`Failed to construct 'EventSource': The URL '${text}' is invalid.`, 'SyntaxError')
  }
}

/** The document's base URL in a page, the script's location in a worker, none elsewhere (Node). */
function baseUrl(): string | undefined {
  const scope = globalThis as { document?: { baseURI?: string }; location?: { href?: string } }
  try {
    return scope.document?.baseURI ?? scope.location?.href
  } catch {
    // Deno's `location` throws when it was not given one.
    return undefined
  }
}
