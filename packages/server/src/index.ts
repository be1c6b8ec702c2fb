export { PROTO_OPTIONS, PROTO_PATH } from './api/oip/oip-grpc-server.js';
export type { ConfigOverrides, ServerConfig } from './config/config.js';
export { DEFAULTS, loadConfig, parseBytes } from './config/config.js';
export type { DemoSummary } from './demo/demo-loader.js';
export type { RunningServer, ServerRole } from './server.js';
export { SERVER_VERSION, startServer } from './server.js';
export { migrateDatabase } from './store/database.js';
