/**
 * The BME280's calibration words and the datasheet's fixed-point
 * compensation (Bosch BME280 datasheet BST-BME280-DS002, section 4.2.3:
 * BME280_compensate_T_int32, BME280_compensate_P_int64,
 * bme280_compensate_H_int32), used by the model to turn physical values into
 * raw ADC readings by search. The HAL driver uses the double-precision
 * formulas of section 8.1 instead, so the two are independent.
 */

/** Trimming parameters dig_T1..dig_H6 (datasheet table 16). */
export interface Bme280Calibration {
  T1: number; T2: number; T3: number;
  P1: number; P2: number; P3: number; P4: number; P5: number; P6: number; P7: number; P8: number; P9: number;
  H1: number; H2: number; H3: number; H4: number; H5: number; H6: number;
}

/**
 * Temperature and pressure words of the worked example in the BMP280
 * datasheet (BST-BMP280-DS001, section 3.12; the BME280 uses the same
 * formulas), with humidity words typical of a BME280.
 */
export const EXAMPLE_CALIBRATION: Bme280Calibration = {
  T1: 27504, T2: 26435, T3: -1000,
  P1: 36477, P2: -10685, P3: 3024, P4: 2855, P5: 140, P6: -7, P7: 15500, P8: -14600, P9: 6000,
  H1: 75, H2: 362, H3: 0, H4: 313, H5: 50, H6: 30,
};

/** Arithmetic right shift of an exact integer of any size (C's >> on signed values). */
function shr(value: number, bits: number): number {
  return Math.floor(value / 2 ** bits);
}

/** t_fine for a raw temperature (BME280_compensate_T_int32). */
export function tFineOf(adcT: number, c: Bme280Calibration): number {
  const var1 = shr((shr(adcT, 3) - c.T1 * 2) * c.T2, 11);
  const x = shr(adcT, 4) - c.T1;
  const var2 = shr(shr(x * x, 12) * c.T3, 14);
  return var1 + var2;
}

/** Temperature in 0.01 °C from t_fine. */
export function centidegreesOf(tFine: number): number {
  return shr(tFine * 5 + 128, 8);
}

/** Pressure in Pa × 256 (Q24.8) (BME280_compensate_P_int64). */
export function pressureQ8Of(adcP: number, tFine: number, c: Bme280Calibration): number {
  const B = BigInt;
  let var1 = B(tFine) - 128000n;
  let var2 = var1 * var1 * B(c.P6);
  var2 = var2 + ((var1 * B(c.P5)) << 17n);
  var2 = var2 + (B(c.P4) << 35n);
  var1 = ((var1 * var1 * B(c.P3)) >> 8n) + ((var1 * B(c.P2)) << 12n);
  var1 = (((1n << 47n) + var1) * B(c.P1)) >> 33n;
  if (var1 === 0n) return 0;
  let p = 1048576n - B(adcP);
  p = (((p << 31n) - var2) * 3125n) / var1;
  var1 = (B(c.P9) * (p >> 13n) * (p >> 13n)) >> 25n;
  var2 = (B(c.P8) * p) >> 19n;
  p = ((p + var1 + var2) >> 8n) + (B(c.P7) << 4n);
  return Number(p);
}

/** Humidity in %RH × 1024 (Q22.10) (bme280_compensate_H_int32). */
export function humidityQ10Of(adcH: number, tFine: number, c: Bme280Calibration): number {
  let v = tFine - 76800;
  const left = shr(adcH * 16384 - c.H4 * 1048576 - c.H5 * v + 16384, 15);
  const inner = shr(shr(v * c.H6, 10) * (shr(v * c.H3, 11) + 32768), 10) + 2097152;
  v = left * shr(inner * c.H2 + 8192, 14);
  v = v - shr(shr(shr(v, 15) * shr(v, 15), 7) * c.H1, 4);
  v = Math.min(419430400, Math.max(0, v));
  return shr(v, 12);
}

/** The input in [low, high] whose output is closest to `target`, for a monotonic `f`. */
function search(f: (input: number) => number, target: number, low: number, high: number): number {
  const rising = f(high) >= f(low);
  let a = low;
  let b = high;
  while (b - a > 1) {
    const middle = Math.floor((a + b) / 2);
    if ((f(middle) < target) === rising) a = middle;
    else b = middle;
  }
  return Math.abs(f(a) - target) <= Math.abs(f(b) - target) ? a : b;
}

/** Raw 20-bit temperature reading for °C. */
export function rawTemperatureFor(celsius: number, c: Bme280Calibration): number {
  return search((adc) => tFineOf(adc, c), celsius * 5120, 0, 0xfffff);
}

/** Raw 20-bit pressure reading for hPa at a given t_fine. */
export function rawPressureFor(hectopascals: number, tFine: number, c: Bme280Calibration): number {
  return search((adc) => pressureQ8Of(adc, tFine, c), hectopascals * 100 * 256, 0, 0xfffff);
}

/** Raw 16-bit humidity reading for %RH at a given t_fine. */
export function rawHumidityFor(percent: number, tFine: number, c: Bme280Calibration): number {
  return search((adc) => humidityQ10Of(adc, tFine, c), percent * 1024, 0, 0xffff);
}

/** The calibration as the chip stores it: 26 bytes at 0x88..0xA1 and 7 bytes at 0xE1..0xE7 (datasheet table 16). */
export function calibrationRegisters(c: Bme280Calibration): { low: Uint8Array; high: Uint8Array } {
  const low = new Uint8Array(26);
  const words = [c.T1, c.T2, c.T3, c.P1, c.P2, c.P3, c.P4, c.P5, c.P6, c.P7, c.P8, c.P9];
  words.forEach((word, index) => {
    low[index * 2] = word & 255;
    low[index * 2 + 1] = (word >> 8) & 255;
  });
  low[25] = c.H1 & 255;
  const high = new Uint8Array([
    c.H2 & 255, (c.H2 >> 8) & 255, c.H3 & 255,
    (c.H4 >> 4) & 255, (c.H4 & 0x0f) | ((c.H5 & 0x0f) << 4), (c.H5 >> 4) & 255, c.H6 & 255,
  ]);
  return { low, high };
}
