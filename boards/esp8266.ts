/**
 * ESP8266 on a NodeMCU or Wemos D1 mini, as Espruino's `ESP8266_4MB` build
 * sees it. Pins are named by the labels printed on those boards (D0-D8, A0);
 * Espruino itself names pins by GPIO number, so `D1` on the board is
 * Espruino's `D5`. Facts: ESP8266EX datasheet v6.x, section 4.1 "GPIO" and
 * table 2-1; GPIO16 sits in the RTC domain, has no PWM and no interrupts, and
 * wakes the chip from deep sleep when wired to RST. GPIO 6-11 drive the flash.
 */
import { gpio, type Board } from "./board.ts";

export const esp8266 = {
  id: "esp8266",
  title: "ESP8266 (NodeMCU / Wemos D1 mini, 4 MB flash)",
  espruinoBoard: "ESP8266_4MB",
  pins: {
    D0: gpio(16, "D16", { pwm: false, interrupt: false, note: "GPIO16: no PWM, no interrupts, no pull-up; wire to RST for deep-sleep wake-up" }),
    D1: gpio(5, "D5", { note: "default I2C SCL" }),
    D2: gpio(4, "D4", { note: "default I2C SDA" }),
    D3: gpio(0, "D0", { strapping: true, note: "flash button; must be high at reset" }),
    D4: gpio(2, "D2", { strapping: true, note: "on-board LED (active low); must be high at reset" }),
    D5: gpio(14, "D14"),
    D6: gpio(12, "D12"),
    D7: gpio(13, "D13"),
    D8: gpio(15, "D15", { strapping: true, note: "must be low at reset (pull-down on the board)" }),
    RX: gpio(3, "D3", { note: "UART0 RX (USB serial console)" }),
    TX: gpio(1, "D1", { note: "UART0 TX (USB serial console)" }),
    A0: {
      gpio: 17,
      espruino: "A0",
      input: false,
      output: false,
      pwm: false,
      interrupt: false,
      adc: { unit: 1, channel: 0 },
      touch: null,
      strapping: false,
      note: "the only ADC: 0-1 V at the chip, 0-3.3 V through the NodeMCU/D1 mini divider",
    },
  },
  i2c: { scl: "D1", sda: "D2" },
  network: "wifi",
  tls: false,
  deepSleep: "ESP8266",
  // 1,600 variables of 12 bytes (Espruino's ESP8266_4MB build: 11-bit references)
  heap: { variables: 1600, bytesPerVariable: 12 },
  storageBytes: 192 * 1024,
  // receive: the largest packet the node must accept is a command, a PUBLISH of a 256-character
  // payload (commands.ts MAX_COMMAND_LENGTH; a longer one is still answered on …/error while it
  // fits) to `<prefix>/<id>/<actuator>/set` (id and actuator at most 32 characters each): 2 + 2 +
  // topic + 2 + 256 bytes, so 512 leaves about 250 bytes of topic. Nothing is held for it (the
  // receive path keeps a chunk only while its packet is incomplete); a packet arriving costs a
  // heap variable per 10 or so of its bytes while it is handled. A larger packet closes the
  // connection as malformed.
  buffers: { receive: 512, send: 512, socketQueue: 1024 },
  bundleBudget: 12000,
} satisfies Board;
