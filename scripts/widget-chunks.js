// How the script-tag widget is split into files (scripts/build.js, scripts/bundle-report.js).
// What opening needs in one file: the entry and everything it imports statically. Without
// the `widget` group, modules shared with a lazy chunk (Lit, the URL policy) are split into
// common chunks: more requests, and each file compresses on its own.
// The stored conversation's format is lazy (src/controllers/persist-codec.ts), but
// core/index.ts re-exports the serializer, which would put it in the entry's group: it gets
// its own group, first, without its dependencies (they stay on the open path).
export const widgetCodeSplitting = {
  groups: [
    {
      name: 'persist-codec',
      test: /\/src\/(controllers\/persist-codec|core\/conversation\/serialize)\.ts$/,
      priority: 1,
      includeDependenciesRecursively: false,
    },
    { name: 'widget', test: /\/src\/embed\.ts$/ },
  ],
};
