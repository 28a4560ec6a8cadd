/**
 * BME280 trimming parameters and the datasheet's double-precision
 * compensation (Bosch BME280 datasheet BST-BME280-DS002, section 8.1
 * "Compensation formulas in double precision floating point"; register
 * layout in table 16). The driver keeps the 33 calibration bytes as read
 * (0x88..0xA1, then 0xE1..0xE7) in one Uint8Array and this decodes the
 * words at each conversion: a sample a minute makes that cheaper than
 * eighteen decoded numbers held on the heap.
 */

/* Offsets from HIGH are the bytes read from 0xE1; esbuild folds `HIGH + 2` into one number, where a local would stay a variable. */
import { BME280_CALIBRATION_SPLIT as HIGH, BME280_SKIPPED } from "./constants.ts";

/**
 * °C, hPa and %RH from the 8 data bytes (0xF7..0xFE: 20-bit pressure and
 * temperature, 16-bit humidity, 5.4.7-5.4.9) with the calibration bytes `c`
 * (see the file comment); null when a measurement was skipped. Pressure is 0
 * if the calibration would divide by zero; humidity is clamped to 0..100.
 * Each is rounded to hundredths: finer than the chip resolves (0.01 °C,
 * 0.0018 hPa, 0.008 %RH) and within its accuracy, and a telemetry report
 * then prints them short and alike on Espruino and V8 (unrounded, Espruino
 * 2v29 prints 15 significant digits, `1001.29672851559`, 16 characters of a
 * report that must fit the ESP8266's 512-byte send buffer). Halves round
 * up as floor(x + 0.5): Espruino's Math.round takes them away from zero
 * (2v29: Math.round(-2.5) is -3, V8's -2).
 */
export function compensate(c: Uint8Array, data: Uint8Array): { temperature: number; pressure: number; humidity: number } | null {
  const adcP = (data[0]! << 12) | (data[1]! << 4) | (data[2]! >> 4);
  const adcT = (data[3]! << 12) | (data[4]! << 4) | (data[5]! >> 4);
  const adcH = (data[6]! << 8) | data[7]!;
  if (adcT === BME280_SKIPPED || adcP === BME280_SKIPPED || adcH === 0x8000) return null;
  const u16 = function (at: number): number {
    return c[at]! | (c[at + 1]! << 8);
  };
  const s16 = function (at: number): number {
    return (u16(at) << 16) >> 16;
  };
  const t1 = u16(0);
  const a = adcT / 16384 - t1 / 1024;
  const b = adcT / 131072 - t1 / 8192;
  const fine = a * s16(2) + b * b * s16(4);
  /* Truncated toward zero as by the datasheet's (BME280_S32_t) cast: |a| < 64, |b| < 8 and each word is at most 2^15, so |fine| < 2^22 and `| 0` truncates it exactly. */
  const tFine = fine | 0;

  let var1 = tFine / 2 - 64000;
  let var2 = (var1 * var1 * s16(16)) / 32768;
  var2 = var2 + var1 * s16(14) * 2;
  var2 = var2 / 4 + s16(12) * 65536;
  var1 = ((s16(10) * var1 * var1) / 524288 + s16(8) * var1) / 524288;
  var1 = (1 + var1 / 32768) * u16(6);
  let p = 0;
  if (var1 !== 0) {
    p = 1048576 - adcP;
    p = ((p - var2 / 4096) * 6250) / var1;
    var2 = (p * s16(20)) / 32768;
    p = p + ((s16(22) * p * p) / 2147483648 + var2 + s16(18)) / 16;
  }

  const h1 = c[25]!;
  const h2 = s16(HIGH);
  const h3 = c[HIGH + 2]!;
  const h4 = ((c[HIGH + 3]! << 24) >> 20) | (c[HIGH + 4]! & 0x0f);
  const h5 = ((c[HIGH + 5]! << 24) >> 20) | (c[HIGH + 4]! >> 4);
  const h6 = (c[HIGH + 6]! << 24) >> 24;
  let h = tFine - 76800;
  h = (adcH - (h4 * 64 + (h5 / 16384) * h)) * ((h2 / 65536) * (1 + (h6 / 67108864) * h * (1 + (h3 / 67108864) * h)));
  h = h * (1 - (h1 * h) / 524288);
  const hundredths = function (x: number): number {
    return Math.floor(x + 0.5) / 100;
  };
  return { temperature: hundredths(fine / 51.2), pressure: hundredths(p), humidity: h > 100 ? 100 : h < 0 ? 0 : hundredths(h * 100) };
}
