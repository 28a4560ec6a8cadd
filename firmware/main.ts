/**
 * Device entry point: the one file the build bundles for a board. It runs
 * statement by statement at boot (Espruino runs `.bootcde` top to bottom), so
 * everything it calls must already be declared above the call.
 */
import type { NodeConfig } from "./config.ts";

declare const MOTE_NODE: NodeConfig;

const memory = process.memory(false);
console.log(
  "mote " + MOTE_NODE.id + " on " + MOTE_NODE.board +
    ": " + MOTE_NODE.sensors.length + " sensors, " + MOTE_NODE.actuators.length + " actuators, " +
    memory.free + " of " + memory.total + " variables free",
);
