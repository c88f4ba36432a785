import { expect, test } from '@playwright/test';
import { ChangeFeed, recordConsensus } from '../../src/engine/change-feed.js';
import { feedChannelName } from '../../src/engine/database-name.js';
import type { FeedNotice } from '../../src/protocol.js';

// When the engine's side of the change feed posts its notices, against what the engine does in
// the same turn: Node has BroadcastChannel and MessageChannel, as workers do.

/** The notices posted on `dbName`'s feed channel, as another tab would hear them. */
function listen(dbName: string) {
  const heard: FeedNotice[] = [];
  const channel = new BroadcastChannel(feedChannelName(dbName));
  channel.onmessage = (e: MessageEvent<FeedNotice>) => void heard.push(e.data);
  return { heard, close: () => channel.close() };
}

/** Records, in order, each notice posted and each mark the test makes. */
function spyOnPosts(order: string[]) {
  const post = BroadcastChannel.prototype.postMessage;
  BroadcastChannel.prototype.postMessage = function (this: BroadcastChannel, message: unknown) {
    order.push(`notice ${[...(message as FeedNotice).consensus.keys()].join(',')}`);
    post.call(this, message);
  };
  return () => void (BroadcastChannel.prototype.postMessage = post);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test("a write's notice is posted after the write's answer, which takes a few microtasks to go out", async () => {
  const order: string[] = [];
  const restore = spyOnPosts(order);
  const feed = new ChangeFeed('feed-after-answer');
  try {
    const write = Promise.resolve('committed');
    const tracked = feed.track(write, (n) => recordConsensus(n, 'k', 1n));
    // What Comlink does with an engine method's result before it posts the answer.
    void tracked
      .then((r) => r)
      .then((r) => r)
      .then(() => order.push('answer'));
    await settle();
    expect(order).toEqual(['answer', 'notice k']);
  } finally {
    feed.close();
    restore();
  }
});

test('writes that settle together make one notice; one that settles later, its own', async () => {
  const other = listen('feed-together');
  const feed = new ChangeFeed('feed-together');
  try {
    const a = feed.track(Promise.resolve(1), (n) => recordConsensus(n, 'a', 1n));
    const b = feed.track(Promise.resolve(1), (n) => recordConsensus(n, 'b', 1n));
    await Promise.all([a, b]);
    await settle();
    await feed.track(Promise.resolve(1), (n) => recordConsensus(n, 'c', 1n));
    await settle();
    expect(other.heard.map((n) => [...n.consensus.keys()])).toEqual([['a', 'b'], ['c']]);
  } finally {
    feed.close();
    other.close();
  }
});

test('close() posts a notice that was ended but not yet sent, and nothing after', async () => {
  const order: string[] = [];
  const restore = spyOnPosts(order);
  const feed = new ChangeFeed('feed-close');
  try {
    await feed.track(Promise.resolve(1), (n) => recordConsensus(n, 'before-close', 1n));
    // The notice is ended (the write settled) and waits for the next task: close() sends it.
    await Promise.resolve();
    feed.close();
    expect(order).toEqual(['notice before-close']);
    await feed.track(Promise.resolve(1), (n) => recordConsensus(n, 'after-close', 1n));
    await settle();
    expect(order).toEqual(['notice before-close']);
  } finally {
    restore();
  }
});
