/**
 * The viewer's public API: the server, the offline replay writer, the take source contract and the wire
 * protocol.
 */
export { startViewerServer, type ViewerServer, type ViewerServerOptions, type ViewerServerStats } from './server.js';
export { writeReplayHtml, type ReplayOptions } from './replay.js';
export type { LaneRecording, ReferenceCurve, SceneInfo, Take, TakeSource, ViewerTask, ViewerTaskParameter } from './source.js';
export * from './protocol.js';
