import { modelFleetConfig, type RawStackConfig } from "../config/load";
import type { FleetModel } from "../config/model";
import { CONFIG_CHECKS } from "./checks";

export type { RawStackConfig } from "../config/load";

/**
 * The stack config, validated by its schemas and every check of the registry, as the fleet
 * model; throws one ConfigError listing every problem.
 */
export function loadFleetConfig(raw: RawStackConfig): FleetModel {
  return modelFleetConfig(raw, CONFIG_CHECKS);
}
