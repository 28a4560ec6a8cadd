/**
 * Names for the codec's error codes, for messages and test assertions.
 * Host only: device code never imports this (it would pull every name in).
 */
import * as constants from "./constants.ts";

function buildErrorNames(): Readonly<Record<number, string>> {
  const names: Record<number, string> = {};
  for (const [name, value] of Object.entries(constants)) {
    if (name.startsWith("ERR_")) names[value] = name;
  }
  return names;
}

/** Error code -> constant name ("ERR_QOS"), for every ERR_* in constants.ts. */
export const ERROR_NAMES: Readonly<Record<number, string>> = buildErrorNames();

/** "ERR_QOS" for -7 and so on; "OK(12)" for a position (>= 0); "ERR_UNKNOWN(-99)" for a code not in the table. */
export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? (code >= 0 ? `OK(${code})` : `ERR_UNKNOWN(${code})`);
}
