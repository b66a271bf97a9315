/**
 * The replay feed: plays the takes embedded in the page with the server's own player (no network), in a
 * loop; pause, speed and "new task" (the next take) work locally, task editing needs a live server.
 */
import { TakePlayer } from '../../take-player.js';
import { curveMessage, episodeMessage, takeMessage } from '../../player-messages.js';
import { decodeFrame, PROTOCOL_VERSION, type ClientMessage } from '../../protocol.js';
import type { Replay } from '../../replay-format.js';
import type { Take, TakeSource } from '../../source.js';
import type { Feed, FeedHandlers } from './feed.js';

export class ReplayFeed implements Feed {
  readonly mode = 'replay';
  private readonly player: TakePlayer;

  constructor(private readonly replay: Replay, private readonly handlers: FeedHandlers) {
    this.player = new TakePlayer(recordedTakes(replay), {
      takeStarted: (n, take) => handlers.message(takeMessage(n, take)),
      frame: (bytes) => {
        const decoded = decodeFrame(bytes);
        if (decoded.ok) handlers.frame(decoded.value);
      },
      episodeEnded: (n, lane, recording) => handlers.message(episodeMessage(n, lane, recording)),
      takeEnded: (n, take) => handlers.message(curveMessage(n, take)),
      recordFailed: (message) => handlers.message({ type: 'error', message }),
    });
  }

  start(): void {
    this.handlers.connection('replay');
    this.handlers.message({ type: 'hello', version: PROTOCOL_VERSION, scene: this.replay.scene, task: null, state: this.player.state() });
    this.player.start();
  }

  send(message: ClientMessage): void {
    switch (message.type) {
      case 'pause':
        this.player.pause();
        return this.reportState();
      case 'resume':
        this.player.resume();
        return this.reportState();
      case 'speed':
        this.player.setSpeed(message.factor);
        return this.reportState();
      case 'newTask':
        return void this.player.newTask();
      case 'setTask':
        return this.handlers.message({ type: 'error', message: 'this replay plays recorded takes only: editing tasks needs a live viewer server' });
      case 'subscribe':
        return;
    }
  }

  private reportState(): void {
    this.handlers.message({ type: 'status', ...this.player.state(), droppedFrames: 0 });
  }
}

/** A take source that hands out the recording's takes in order, round and round. */
function recordedTakes(replay: Replay): TakeSource {
  let next = 0;
  return {
    scene: replay.scene,
    record: (task: unknown): Promise<Take> => {
      if (task !== undefined) return Promise.reject(new Error('a replay cannot record new tasks'));
      return Promise.resolve(replay.takes[next++ % replay.takes.length]);
    },
    close: () => undefined,
  };
}
