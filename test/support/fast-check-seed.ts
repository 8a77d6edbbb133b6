/**
 * The fixed fast-check seed of the property tests, unit and browser: a CI run is
 * reproducible, and a failure prints the seed and path that replay it. Explore other
 * cases locally (FC_SEED=random for the unit suite; a seed of your own in the browser).
 */
export const FAST_CHECK_SEED = 20261121;
