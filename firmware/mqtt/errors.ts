/**
 * Names for the codec's error codes and the client's disconnect reasons, for
 * messages, the simulator and test assertions. Host only: device code never
 * imports this (it would pull every name in).
 */
import * as clientConstants from "./client-constants.ts";
import * as constants from "./constants.ts";

function buildNames(table: Record<string, number>, prefix: string): Readonly<Record<number, string>> {
  const names: Record<number, string> = {};
  for (const [name, value] of Object.entries(table)) {
    if (name.startsWith(prefix)) names[value] = name;
  }
  return names;
}

/** Error code -> constant name ("ERR_QOS"), for every ERR_* of the codec (constants.ts). */
export const ERROR_NAMES: Readonly<Record<number, string>> = /* @__PURE__ */ buildNames(constants, "ERR_");

/** The client's own refusals (client-constants.ts: ERR_QUEUE_FULL). */
const CLIENT_ERROR_NAMES: Readonly<Record<number, string>> = /* @__PURE__ */ buildNames(clientConstants, "ERR_");

/** Disconnect reason -> constant name ("REASON_KEEPALIVE_TIMEOUT"); 1-5 are the broker's CONNACK refusals. */
export const REASON_NAMES: Readonly<Record<number, string>> = /* @__PURE__ */ buildNames(clientConstants, "REASON_");

/** "REASON_NOT_AUTHORIZED" for 5 and so on; "REASON_UNKNOWN(n)" for a code not in the table. */
export function reasonName(code: number): string {
  return REASON_NAMES[code] ?? `REASON_UNKNOWN(${code})`;
}

/** "ERR_QOS" for -7 (codec), "ERR_QUEUE_FULL" for -40 (client), and so on; "OK(12)" for a position (>= 0); "ERR_UNKNOWN(-99)" for a code not in the table. */
export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? CLIENT_ERROR_NAMES[code] ?? (code >= 0 ? `OK(${code})` : `ERR_UNKNOWN(${code})`);
}
