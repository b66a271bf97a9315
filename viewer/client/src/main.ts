/**
 * Entry point of the viewer page: plays the recording embedded in the page when there is one (offline
 * replay), otherwise connects to the server that served the page.
 */
import { decodeReplay, REPLAY_ELEMENT_ID } from '../../replay-format.js';
import { App } from './app.js';
import { LiveFeed } from './live-feed.js';
import { ReplayFeed } from './replay-feed.js';
import { installTestHooks } from './test-hooks.js';

function start(root: HTMLElement): void {
  const app = new App(root);
  installTestHooks(app.hooks());
  const embedded = document.getElementById(REPLAY_ELEMENT_ID);
  if (!embedded) return app.attach(new LiveFeed(LiveFeed.urlFor(window.location), app.handlers));
  const replay = decodeReplay(embedded.textContent ?? '');
  if (replay.ok) app.attach(new ReplayFeed(replay.value, app.handlers));
  else app.reportError(`the embedded recording is broken: ${replay.error}`);
}

const root = document.getElementById('app');
try {
  if (!root) throw new Error('the page has no #app element');
  start(root);
} catch (e) {
  document.body.textContent = `metarl viewer failed to start: ${e instanceof Error ? e.message : String(e)}`;
}
