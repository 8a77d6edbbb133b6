#!/usr/bin/env node
// The relay CLI: the code lives in the built bundle (src/relay/node.ts).
import { main } from '../dist/relay-node.js';

main(process.argv.slice(2), process.env).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
