// The program's layers, one way: config -> builders -> validation -> components -> program.
// docs/architecture.md draws them; `npm run lint` fails on an import that climbs or a circle.
/** @type {import('dependency-cruiser').IConfiguration} */
const CONFIG = "^components/config/";
const BUILDERS = "^components/builders/";
const VALIDATION = "^components/validation/";
const PROGRAM = "^(components/program/|index\\.ts$)";
const COMPONENTS = "^components/(?!config/|builders/|validation/|program/)";

module.exports = {
  forbidden: [
    {
      name: "config-is-the-bottom",
      comment: "config parses, validates and models the stack; it imports nothing of the program above it.",
      severity: "error",
      from: { path: CONFIG },
      to: { path: "^components/", pathNot: CONFIG },
    },
    {
      name: "builders-are-pure",
      comment: "Builders turn the model into objects; they import config and each other, never validation, components or the program.",
      severity: "error",
      from: { path: BUILDERS },
      to: { path: "^components/", pathNot: [CONFIG, BUILDERS] },
    },
    {
      name: "validation-below-components",
      comment: "Checks see the model and the rendered objects, never the components that register them.",
      severity: "error",
      from: { path: VALIDATION },
      to: { path: "^components/", pathNot: [CONFIG, BUILDERS, VALIDATION] },
    },
    {
      name: "components-below-program",
      comment: "ComponentResources wire builders into Pulumi; only the program composes them from the config.",
      severity: "error",
      from: { path: COMPONENTS },
      to: { path: PROGRAM },
    },
    {
      name: "no-circles",
      severity: "error",
      from: { path: "^(components/|index\\.ts$|cli/)" },
      to: { circular: true },
    },
    {
      name: "product-imports-no-tests",
      comment: "Product code never imports test code or the SDK's mocks.",
      severity: "error",
      from: { path: "^(components/|cli/|index\\.ts$)" },
      to: { path: ["^test/", "@pulumi/pulumi/runtime/mocks"] },
    },
    {
      name: "no-sdk-internals",
      comment:
        "Public SDK API only; the one exception (which config keys are secret, no public synchronous API) is the program's config reader.",
      severity: "error",
      from: { path: "^(components/|cli/|index\\.ts$)", pathNot: "^components/program/pulumi-config\\.ts$" },
      to: { path: "@pulumi/pulumi/runtime/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    exclude: { path: "^(node_modules|test/e2e/node)" },
  },
};
