/**
 * BME280 trimming parameters and the datasheet's double-precision
 * compensation (Bosch BME280 datasheet BST-BME280-DS002, section 8.1
 * "Compensation formulas in double precision floating point"; register
 * layout in table 16). Plain arithmetic on numbers, no allocation per use.
 */

function unsigned16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function signed16(bytes: Uint8Array, at: number): number {
  return (unsigned16(bytes, at) << 16) >> 16;
}

/** dig_T1..dig_H6 read from the chip, and t_fine of the last temperature. */
export class Bme280Calibration {
  t1 = 0; t2 = 0; t3 = 0;
  p1 = 0; p2 = 0; p3 = 0; p4 = 0; p5 = 0; p6 = 0; p7 = 0; p8 = 0; p9 = 0;
  h1 = 0; h2 = 0; h3 = 0; h4 = 0; h5 = 0; h6 = 0;
  /** Fine temperature shared by the pressure and humidity formulas. */
  tFine = 0;

  /** Reads the words from the 26 bytes at 0x88..0xA1 and the 7 bytes at 0xE1..0xE7. */
  parse(low: Uint8Array, high: Uint8Array): void {
    this.t1 = unsigned16(low, 0);
    this.t2 = signed16(low, 2);
    this.t3 = signed16(low, 4);
    this.p1 = unsigned16(low, 6);
    this.p2 = signed16(low, 8);
    this.p3 = signed16(low, 10);
    this.p4 = signed16(low, 12);
    this.p5 = signed16(low, 14);
    this.p6 = signed16(low, 16);
    this.p7 = signed16(low, 18);
    this.p8 = signed16(low, 20);
    this.p9 = signed16(low, 22);
    this.h1 = low[25]!;
    this.h2 = signed16(high, 0);
    this.h3 = high[2]!;
    this.h4 = (((high[3]! << 24) >> 20) | (high[4]! & 0x0f));
    this.h5 = (((high[5]! << 24) >> 20) | (high[4]! >> 4));
    this.h6 = (high[6]! << 24) >> 24;
  }

  /** °C from a raw 20-bit temperature; sets tFine. */
  temperature(adc: number): number {
    const a = adc / 16384 - this.t1 / 1024;
    const b = adc / 131072 - this.t1 / 8192;
    const fine = a * this.t2 + b * b * this.t3;
    this.tFine = fine < 0 ? Math.ceil(fine) : Math.floor(fine);
    return fine / 5120;
  }

  /** Pa from a raw 20-bit pressure (after {@link temperature}); 0 if the calibration would divide by zero. */
  pressure(adc: number): number {
    let var1 = this.tFine / 2 - 64000;
    let var2 = (var1 * var1 * this.p6) / 32768;
    var2 = var2 + var1 * this.p5 * 2;
    var2 = var2 / 4 + this.p4 * 65536;
    var1 = ((this.p3 * var1 * var1) / 524288 + this.p2 * var1) / 524288;
    var1 = (1 + var1 / 32768) * this.p1;
    if (var1 === 0) return 0;
    let p = 1048576 - adc;
    p = ((p - var2 / 4096) * 6250) / var1;
    var1 = (this.p9 * p * p) / 2147483648;
    var2 = (p * this.p8) / 32768;
    return p + (var1 + var2 + this.p7) / 16;
  }

  /** %RH from a raw 16-bit humidity (after {@link temperature}), clamped to 0..100. */
  humidity(adc: number): number {
    let h = this.tFine - 76800;
    h = (adc - (this.h4 * 64 + (this.h5 / 16384) * h)) *
      ((this.h2 / 65536) * (1 + (this.h6 / 67108864) * h * (1 + (this.h3 / 67108864) * h)));
    h = h * (1 - (this.h1 * h) / 524288);
    return h > 100 ? 100 : h < 0 ? 0 : h;
  }
}
