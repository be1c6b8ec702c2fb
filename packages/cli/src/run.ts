/** Runs the CLI from TypeScript directly (`node --import tsx packages/cli/src/run.ts …`). */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
