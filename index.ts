import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./components/config/problems";
import { program } from "./components/program/program";
import { readPulumiConfig } from "./components/program/pulumi-config";

function main() {
  try {
    return program(readPulumiConfig(), { lifecycleHooks: true });
  } catch (err) {
    // A RunError is printed as its message alone: the list of config problems, not a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

export = main();
