#!/usr/bin/env node
// The relay CLI: the code lives in the built bundle (src/relay/node.ts).
let main;
try {
  ({ main } = await import('../dist/relay-node.js'));
} catch (error) {
  // A git checkout that was never built: say so instead of a module-resolution stack.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('relay-node.js')) throw error;
  console.error('indigo-chat-relay: dist/relay-node.js is missing; run `npm run build` first (the npm package ships it built).');
  process.exit(1);
}

main(process.argv.slice(2), process.env).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
