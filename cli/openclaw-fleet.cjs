#!/usr/bin/env node
// The `openclaw-fleet` bin: runs the TypeScript CLI through tsx, as `npm run fleet` does.
require("tsx/cjs");
require("./index.ts");
