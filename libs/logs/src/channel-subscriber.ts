import type Redis from 'ioredis';

export type MessageListener = (message: string) => void;

interface Channel {
  listeners: Set<MessageListener>;
  subscribed: Promise<unknown>;
}

/**
 * Many listeners over one subscriber-mode connection: a channel is SUBSCRIBEd for its first
 * listener and UNSUBSCRIBEd after its last, so a thousand tails cost one connection.
 */
export class ChannelSubscriber {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly redis: Redis) {
    redis.on('message', (channel: string, message: string) => {
      const entry = this.channels.get(channel);
      if (!entry) return;
      for (const listener of [...entry.listeners]) listener(message);
    });
  }

  /** Resolves once the channel is subscribed; the returned function removes the listener (idempotent). */
  async subscribe(channel: string, listener: MessageListener): Promise<() => void> {
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), subscribed: this.redis.subscribe(channel) };
      this.channels.set(channel, entry);
    }
    const current = entry;
    current.listeners.add(listener);
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.channels.get(channel) === current) {
        this.channels.delete(channel);
        this.redis.unsubscribe(channel).catch(() => undefined);
      }
    };
    try {
      await current.subscribed;
    } catch (err) {
      remove();
      throw err;
    }
    return remove;
  }

  /** Channels with at least one listener (for tests and metrics). */
  get channelCount(): number {
    return this.channels.size;
  }
}
