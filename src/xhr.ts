/** `sse-polyfill/xhr`: the XMLHttpRequest transport, for the `transport` option. */
export { DEFAULT_XHR_RESPONSE_LIMIT, fetchOrXhr, xhr, type FetchOrXhrOptions, type XhrOptions } from './transports/xhr'
