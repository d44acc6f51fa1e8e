import { REST, type Client, type ResponseLike } from 'discord.js';
import { InteractionLane } from './interaction-lane';

/** A REST client at one request a second whose answers come at once, recording the order of the requests. */
function slowRest(order: string[]): REST {
  return new REST({
    api: 'http://discord.invalid/api',
    globalRequestsPerSecond: 1,
    makeRequest: (url) => {
      order.push(new URL(url).pathname.replace(/^\/api\/v\d+/, ''));
      const response: ResponseLike = {
        status: 200,
        statusText: 'OK',
        ok: true,
        headers: new Headers({ 'content-type': 'application/json' }),
        body: null,
        bodyUsed: false,
        text: () => Promise.resolve('{}'),
        json: () => Promise.resolve({}),
        arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)),
      };
      return Promise.resolve(response);
    },
  }).setToken('token');
}

describe(InteractionLane.name, () => {
  it("should send an interaction's follow-ups and edits at once, whatever the global limit has queued", async () => {
    const order: string[] = [];
    const rest = slowRest(order);
    new InteractionLane({ rest } as unknown as Client).onModuleInit();
    const queued = [1, 2, 3].map((i) => rest.post(`/channels/10000000000000000${i}/messages`, { body: {} }));
    const edit = rest.patch('/webhooks/200000000000000000/interaction-token/messages/@original', {
      body: {},
      auth: false,
    });
    await edit;
    // The edit went out before the second DM, which waits for the next second of the global limit.
    expect(order).toEqual([
      '/channels/100000000000000001/messages',
      '/webhooks/200000000000000000/interaction-token/messages/@original',
    ]);
    await Promise.all(queued);
    expect(order).toHaveLength(4);
  }, 10000);
});
