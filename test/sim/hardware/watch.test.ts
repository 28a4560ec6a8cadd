import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { ButtonModel } from "../../../sim/devices/button.ts";
import { Hardware } from "../../../sim/hardware/index.ts";

type Event = Record<string, unknown>;

describe("setWatch", () => {
  let clock: VirtualClock;
  let hardware: Hardware;
  let events: Event[];
  const record = (event: Event): void => {
    events.push(event);
  };
  /** Drives D5 from outside (a device) at an exact time. */
  const driveAt = (time: number, level: boolean | null): void => {
    hardware.scheduler.schedule(time, () => hardware.pin("D5").drive(driveAt, level));
  };
  beforeEach(() => {
    clock = new VirtualClock();
    hardware = new Hardware(clock, BOARDS["esp32"]!);
    hardware.pin("D5").setExternalPull("up");
    events = [];
  });

  it("numbers watches from 1, throws 'Unknown Watch' for an id not in use, clears all without an id", () => {
    const api = hardware.api;
    assert.equal(api.setWatch(record, "D5", { repeat: true }), 1);
    assert.equal(api.setWatch(record, "D12", { repeat: true }), 2);
    api.clearWatch(1);
    assert.throws(() => api.clearWatch(1), /^Error: Unknown Watch 1$/);
    assert.equal(api.setWatch(record, "D13", true), 3);
    api.clearWatch();
    assert.equal(hardware.watchCount, 0);
    assert.equal(api.setWatch(record, "D5", {}), 1);
  });

  it("calls back from the event loop, after the call that changed the pin, with times in seconds", () => {
    hardware.api.setWatch(record, "D5", { repeat: true });
    clock.advance(1500);
    hardware.api.pinMode("D5", "opendrain");
    hardware.api.digitalWrite("D5", 0);
    assert.equal(events.length, 0, "not inside digitalWrite");
    clock.advance(0);
    assert.equal(events.length, 1);
    assert.equal(events[0]!["state"], false);
    assert.equal(events[0]!["time"], 1.5);
    assert.equal(events[0]!["lastTime"], undefined);
    assert.equal(String(events[0]!["pin"]), "D5");
  });

  it("reports edges in order with exact sub-millisecond times and lastTime from any edge", () => {
    hardware.api.setWatch(record, "D5", { repeat: true, edge: "falling" });
    driveAt(10, false);
    driveAt(10.08, null);
    driveAt(10.13, false);
    driveAt(10.2, null);
    clock.advance(11);
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((event) => Number(((event["time"] as number) * 1000).toFixed(6))), [10, 10.13]);
    const width = (events[1]!["time"] as number) - (events[1]!["lastTime"] as number);
    assert.ok(Math.abs(width - 0.00005) < 1e-9, `high pulse of 50 µs, got ${width}`);
  });

  it("several watches on one pin run in the order they were set", () => {
    const order: string[] = [];
    hardware.api.setWatch(() => order.push("first"), "D5", { repeat: true });
    hardware.api.setWatch(() => order.push("second"), "D5", { repeat: true });
    driveAt(1, false);
    clock.advance(2);
    assert.deepEqual(order, ["first", "second"]);
  });

  it("edge 'rising' and numeric edges filter; without repeat the watch goes after its first call", () => {
    hardware.api.setWatch(record, "D5", { edge: "rising" });
    hardware.api.setWatch((event: Event) => events.push({ ...event, numeric: true }), "D5", { edge: -1, repeat: true });
    driveAt(1, false);
    driveAt(2, null);
    driveAt(3, false);
    driveAt(4, null);
    clock.advance(5);
    assert.deepEqual(events.map((event) => [event["state"], event["numeric"] ?? false]), [[false, true], [true, false], [false, true]]);
    assert.equal(hardware.watchCount, 1);
  });

  it("debounce reports a bouncing change once, with the time of the last bounce, debounce ms after it", () => {
    const button = new ButtonModel({ bounceMs: 4, bounces: 3 });
    hardware.attachLine("D5", button);
    hardware.api.setWatch(record, "D5", { repeat: true, edge: "both", debounce: 10 });
    clock.advance(100);
    button.press();
    clock.advance(13.9);
    assert.equal(events.length, 0);
    clock.advance(0.2);
    assert.equal(events.length, 1);
    assert.equal(events[0]!["state"], false);
    assert.ok(Math.abs((events[0]!["time"] as number) - 0.104) < 1e-9, String(events[0]!["time"]));
  });

  it("debounce ignores a glitch that ends where it started", () => {
    hardware.api.setWatch(record, "D5", { repeat: true, debounce: 10 });
    driveAt(1, false);
    driveAt(3, null);
    clock.advance(50);
    assert.deepEqual(events, []);
  });

  it("includes the data pin's level at the edge", () => {
    hardware.api.setWatch(record, "D5", { repeat: true, edge: "falling", data: "D12" });
    hardware.api.pinMode("D12", "input_pullup");
    driveAt(1, false);
    clock.advance(2);
    assert.equal(events[0]!["data"], true);
  });

  it("rejects a bad edge, a non-function and sets an automatic pin to input", () => {
    assert.throws(() => hardware.api.setWatch(record, "D5", { edge: "up" }), /^Error: 'edge' in setWatch should be 1, -1, 0, 'rising', 'falling' or 'both'$/);
    assert.throws(() => hardware.api.setWatch("print(1)", "D5", {}), /Function or String not supplied!/);
    const esp8266 = new Hardware(clock, BOARDS["esp8266"]!);
    esp8266.api.digitalWrite("D12", 0);
    esp8266.api.setWatch(record, "D12", {});
    assert.equal(esp8266.api.getPinMode("D12"), "input");
  });

  it("on ESP32 turns even a manual output into an input with pull-up, as the port's jshPinWatch does", () => {
    hardware.api.pinMode("D13", "output");
    hardware.api.digitalWrite("D13", 0);
    hardware.api.setWatch(record, "D13", {});
    assert.equal(hardware.api.getPinMode("D13"), "input_pullup");
    assert.equal(hardware.pin("D13").level, true);
    const esp8266 = new Hardware(clock, BOARDS["esp8266"]!);
    esp8266.api.pinMode("D13", "output");
    esp8266.api.setWatch(record, "D13", {});
    assert.equal(esp8266.api.getPinMode("D13"), "output");
  });

  it("cannot watch ESP8266 GPIO16 (no interrupts): returns undefined and warns", () => {
    const esp8266 = new Hardware(clock, BOARDS["esp8266"]!);
    assert.equal(esp8266.api.setWatch(record, "D16", {}), undefined);
    assert.match(esp8266.warnings[0]!, /Unable to set watch on D16/);
  });

  it("a reboot removes every watch", () => {
    hardware.api.setWatch(record, "D5", { repeat: true });
    hardware.reset();
    driveAt(1, false);
    clock.advance(2);
    assert.deepEqual(events, []);
  });
});
