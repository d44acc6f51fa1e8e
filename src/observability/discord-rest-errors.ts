import { Readable } from 'node:stream';
import { DefaultRestOptions, type RESTOptions, type ResponseLike } from 'discord.js';
import { routeGroup, type RestAnswer } from './discord-request-budget';

/** Called once per Discord REST answer with an error status, with Discord's JSON error code when it sent one. */
export type RestErrorListener = (status: number, code: number | undefined, answer: RestAnswer) => void;

/** A response whose body was already read, served again from memory to discord.js. */
function replay(response: ResponseLike, text: string): ResponseLike {
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    body: Readable.from([Buffer.from(text)]),
    bodyUsed: false,
    text: () => Promise.resolve(text),
    json: () => Promise.resolve(JSON.parse(text) as unknown),
    arrayBuffer: () => Promise.resolve(new TextEncoder().encode(text).buffer),
  };
}

/**
 * discord.js's own request function, wrapped to report every error answer with its Discord code (50007 DMs
 * closed, 10062 unknown interaction, ...): the one place all REST traffic goes through, interaction replies
 * included. Successful answers pass untouched; an error body (small JSON) is read once and replayed.
 */
export function reportingRestErrors(listener: RestErrorListener): RESTOptions['makeRequest'] {
  return async (url, init) => {
    const response = await DefaultRestOptions.makeRequest(url, init);
    if (response.status < 400) return response;
    const text = await response.text();
    let code: number | undefined;
    try {
      const parsed = JSON.parse(text) as { code?: unknown };
      // Discord's 429 bodies carry code 0 (or none): that is "no code", not an error code.
      if (typeof parsed.code === 'number' && parsed.code !== 0) code = parsed.code;
    } catch {
      // not JSON (a proxy's 502 page): no code
    }
    const shared = response.headers.get('x-ratelimit-scope') === 'shared';
    listener(response.status, code, { status: response.status, shared, route: routeGroup(url) });
    return replay(response, text);
  };
}
