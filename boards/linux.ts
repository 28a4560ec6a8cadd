/**
 * Espruino's Linux build, as used on a Raspberry Pi: the operating system has
 * the network up already (there is no `Wifi` module) and GPIO goes through
 * the kernel's sysfs interface, BCM numbering, digital only (no ADC, no
 * hardware PWM). The heap grows on demand there; the figures below are what
 * Mote plans for, not a hard limit.
 */
import { gpio, type Board, type PinCapabilities } from "./board.ts";

function bcmPins(): Record<string, PinCapabilities> {
  const pins: Record<string, PinCapabilities> = {};
  for (let number = 2; number <= 27; number++) {
    pins["D" + number] = gpio(number, "D" + number, { pwm: false });
  }
  return pins;
}

export const linux = {
  id: "linux",
  title: "Espruino Linux build (Raspberry Pi or any Linux host)",
  espruinoBoard: "LINUX",
  pins: bcmPins(),
  i2c: null,
  network: "preconfigured",
  tls: true,
  deepSleep: null,
  heap: { variables: 40000, bytesPerVariable: 27 },
  storageBytes: 1024 * 1024,
  buffers: { receive: 8192, send: 4096, socketQueue: 8192 },
  bundleBudget: 32000,
} satisfies Board;
