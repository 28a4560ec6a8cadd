/**
 * ESP32 DevKitC (ESP32-WROOM-32), as Espruino's `ESP32` build sees it.
 * Pin facts: ESP32 datasheet v4.x, table 2-1 "Pin Description" and section
 * 2.4 "Strapping Pins"; ESP32 technical reference manual, chapter "RTC and
 * Low-Power Management" (ADC and touch channels). GPIO 6-11 drive the SPI
 * flash and are left out; 37/38 are not brought out on the DevKitC.
 */
import { gpio, type Board, type PinCapabilities } from "./board.ts";

function inputOnly(gpioNumber: number, adcChannel: number): PinCapabilities {
  return gpio(gpioNumber, "D" + gpioNumber, {
    output: false,
    pwm: false,
    adc: { unit: 1, channel: adcChannel },
    note: "input only, no internal pull-up or pull-down",
  });
}

const ADC2_NOTE = "ADC2 cannot be read while WiFi is on";

export const esp32 = {
  id: "esp32",
  title: "ESP32 DevKitC (ESP32-WROOM-32)",
  espruinoBoard: "ESP32",
  pins: {
    D0: gpio(0, "D0", { strapping: true, adc: { unit: 2, channel: 1 }, touch: 1, note: "boot button; low at reset enters the bootloader" }),
    D1: gpio(1, "D1", { note: "UART0 TX (USB serial console)" }),
    D2: gpio(2, "D2", { strapping: true, adc: { unit: 2, channel: 2 }, touch: 2, note: "on-board LED on many DevKits; must be low or floating at reset" }),
    D3: gpio(3, "D3", { note: "UART0 RX (USB serial console)" }),
    D4: gpio(4, "D4", { adc: { unit: 2, channel: 0 }, touch: 0, note: ADC2_NOTE }),
    D5: gpio(5, "D5", { strapping: true, note: "strapping (SDIO timing); high at reset" }),
    D12: gpio(12, "D12", { strapping: true, adc: { unit: 2, channel: 5 }, touch: 5, note: "strapping (flash voltage): must be low at reset" }),
    D13: gpio(13, "D13", { adc: { unit: 2, channel: 4 }, touch: 4, note: ADC2_NOTE }),
    D14: gpio(14, "D14", { adc: { unit: 2, channel: 6 }, touch: 6, note: ADC2_NOTE }),
    D15: gpio(15, "D15", { strapping: true, adc: { unit: 2, channel: 3 }, touch: 3, note: "strapping (boot log); high at reset" }),
    D16: gpio(16, "D16"),
    D17: gpio(17, "D17"),
    D18: gpio(18, "D18"),
    D19: gpio(19, "D19"),
    D21: gpio(21, "D21", { note: "default I2C SDA" }),
    D22: gpio(22, "D22", { note: "default I2C SCL" }),
    D23: gpio(23, "D23"),
    D25: gpio(25, "D25", { adc: { unit: 2, channel: 8 }, note: "DAC1; " + ADC2_NOTE }),
    D26: gpio(26, "D26", { adc: { unit: 2, channel: 9 }, note: "DAC2; " + ADC2_NOTE }),
    D27: gpio(27, "D27", { adc: { unit: 2, channel: 7 }, touch: 7, note: ADC2_NOTE }),
    D32: gpio(32, "D32", { adc: { unit: 1, channel: 4 }, touch: 9 }),
    D33: gpio(33, "D33", { adc: { unit: 1, channel: 5 }, touch: 8 }),
    D34: inputOnly(34, 6),
    D35: inputOnly(35, 7),
    D36: inputOnly(36, 0),
    D39: inputOnly(39, 3),
  },
  i2c: { scl: "D22", sda: "D21" },
  network: "wifi",
  tls: true,
  deepSleep: "ESP32",
  heap: { variables: 16000, bytesPerVariable: 16 },
  storageBytes: 896 * 1024,
  buffers: { receive: 4096, send: 2048, socketQueue: 2048 },
  bundleBudget: 24000,
} satisfies Board;
