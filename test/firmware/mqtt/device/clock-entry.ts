/** Device entry for espruino-clock.test.ts: the node's clock, reachable from the test as the global `clockNow()`. */
import { espruinoClock } from "../../../../firmware/mqtt/espruino-transport.ts";

(global as unknown as { clockNow: () => number }).clockNow = function (): number {
  return espruinoClock.now();
};
