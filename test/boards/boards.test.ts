import assert from "node:assert/strict";
import { BOARDS } from "../../boards/index.ts";
import { esp32 } from "../../boards/esp32.ts";
import { esp8266 } from "../../boards/esp8266.ts";
import { linux } from "../../boards/linux.ts";

describe("boards", () => {
  it("esp32: GPIO 34-39 are input-only ADC1 pins", () => {
    for (const name of ["D34", "D35", "D36", "D39"] as const) {
      const pin = esp32.pins[name];
      assert.equal(pin.output, false, name);
      assert.equal(pin.pwm, false, name);
      assert.equal(pin.input, true, name);
      assert.equal(pin.adc?.unit, 1, name);
    }
  });

  it("esp32: flash pins 6-11 are not offered; strapping pins are marked", () => {
    const gpios = Object.values(esp32.pins).map((pin) => pin.gpio);
    for (const flash of [6, 7, 8, 9, 10, 11]) assert.ok(!gpios.includes(flash), `GPIO${flash}`);
    const strapping = Object.values(esp32.pins).filter((pin) => pin.strapping).map((pin) => pin.gpio).sort((a, b) => a - b);
    assert.deepEqual(strapping, [0, 2, 5, 12, 15]);
  });

  it("esp32: ADC1 is 32-39, ADC2 the rest; touch channels T0-T9", () => {
    const adc1 = Object.values(esp32.pins).filter((pin) => pin.adc?.unit === 1).map((pin) => pin.gpio).sort((a, b) => a - b);
    assert.deepEqual(adc1, [32, 33, 34, 35, 36, 39]);
    const touch = Object.values(esp32.pins).filter((pin) => pin.touch !== null).map((pin) => [pin.touch, pin.gpio]);
    assert.deepEqual(new Map(touch as [number, number][]), new Map([[0, 4], [1, 0], [2, 2], [3, 15], [4, 13], [5, 12], [6, 14], [7, 27], [8, 33], [9, 32]]));
  });

  it("esp8266: NodeMCU labels map to GPIO numbers and Espruino names", () => {
    const expected: Record<string, number> = { D0: 16, D1: 5, D2: 4, D3: 0, D4: 2, D5: 14, D6: 12, D7: 13, D8: 15 };
    for (const [label, gpio] of Object.entries(expected)) {
      const pin = esp8266.pins[label as keyof typeof esp8266.pins];
      assert.equal(pin.gpio, gpio, label);
      if (label !== "A0") assert.equal(pin.espruino, "D" + gpio, label);
    }
  });

  it("esp8266: GPIO16 has no PWM or interrupts; A0 is the only ADC", () => {
    assert.equal(esp8266.pins.D0.pwm, false);
    assert.equal(esp8266.pins.D0.interrupt, false);
    const adc = Object.entries(esp8266.pins).filter(([, pin]) => pin.adc !== null).map(([name]) => name);
    assert.deepEqual(adc, ["A0"]);
  });

  it("default I2C pins exist and can do input and output", () => {
    for (const board of Object.values(BOARDS)) {
      if (board.i2c === null) continue;
      for (const name of [board.i2c.scl, board.i2c.sda]) {
        const pin = board.pins[name];
        assert.ok(pin?.input && pin.output, `${board.id} ${name}`);
      }
    }
    assert.deepEqual(esp32.i2c, { scl: "D22", sda: "D21" });
  });

  it("linux has its network up already and no WiFi; budgets start at 24,000 / 12,000 bytes", () => {
    assert.equal(linux.network, "preconfigured");
    assert.equal(esp32.network, "wifi");
    assert.equal(esp32.bundleBudget, 24000);
    assert.equal(esp8266.bundleBudget, 12000);
  });

  it("every board's buffers fit comfortably in its heap (at most a quarter)", () => {
    for (const board of Object.values(BOARDS)) {
      const bytes = board.buffers.receive + board.buffers.send;
      assert.ok(bytes * 4 <= board.heap.variables * board.heap.bytesPerVariable, board.id);
    }
  });
});
