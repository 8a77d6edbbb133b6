// Property tests run with one fixed seed in CI so a run is reproducible; explore new cases
// locally with FC_SEED=<n> (or FC_SEED=random) npm run test:unit.
import fc from 'fast-check';
import { FAST_CHECK_SEED } from '../support/fast-check-seed.js';

const env = process.env.FC_SEED;
const seed = env === 'random' ? Date.now() : Number(env ?? FAST_CHECK_SEED);
fc.configureGlobal({ seed });
if (env) console.log(`fast-check seed: ${seed}`);
