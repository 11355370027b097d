/**
 * The OpenClaw release this program is built and tested against: the example stacks' image tag,
 * the `openclaw` dev dependency the tests run, and the version whose config schema
 * (openclaw-config.schema.json) validates every instance's openclaw.json. One value; a test checks
 * that package.json, the lockfile, the stored schema, the examples and the docs all say the same.
 * To move it: change it here and in package.json, run `npm install`, then
 * `npm run openclaw:schema` and `npm test`.
 */
export const OPENCLAW_VERSION = "2026.9.6";
