import { loadFleetConfig, readPulumiConfig, type RawStackConfig } from "./config/load";
import { Fleet } from "./fleet";

/** The whole program: config in, fleet out, outputs returned for export. */
export function program(raw: RawStackConfig = readPulumiConfig()) {
  const model = loadFleetConfig(raw);
  const fleet = new Fleet("fleet", { model });
  return { tenants: fleet.outputs() };
}
