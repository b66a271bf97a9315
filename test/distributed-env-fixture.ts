/** A user's env module for the distributed tests: the point robot under another id, loaded with --module. */
import { registerEnv, robotEnv } from '../envs/index.js';
import { pointNav } from '../envs/point-nav.js';

registerEnv(robotEnv({ ...pointNav, id: 'SubmitterPoint-v0' }));
