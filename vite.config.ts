import { defineConfig, type Plugin } from 'vite';

/**
 * `npm run dev`: Vite's dev server for working on the element, with the relay mounted as
 * Connect middleware (and the built-in mock platform behind it when INDIGO_PAT is unset).
 * `npm start` serves the production build instead (scripts/start.js).
 */
function relayDevPlugin(): Plugin {
  return {
    name: 'indigo-chat-relay',
    async configureServer(server) {
      // Loaded through Vite so the relay's TypeScript sources need no separate build.
      const mod = (await server.ssrLoadModule('/src/relay/node.ts')) as typeof import('./src/relay/node.js');
      server.middlewares.use(await mod.createDevMiddleware({ env: process.env }));
    },
  };
}

export default defineConfig({
  plugins: [relayDevPlugin()],
  server: { host: '127.0.0.1', port: 5173 },
});
