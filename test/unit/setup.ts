// Property tests run with one fixed seed in CI so a run is reproducible; explore new cases
// locally with FC_SEED=<n> (or FC_SEED=random) npm run test:unit.
import fc from 'fast-check';

const env = process.env.FC_SEED;
const seed = env === 'random' ? Date.now() : Number(env ?? 20261121);
fc.configureGlobal({ seed });
if (env) console.log(`fast-check seed: ${seed}`);
