/**
 * The Dallas/Maxim 1-Wire CRC-8 (polynomial x^8 + x^5 + x^4 + 1, processed
 * least significant bit first), as in Maxim application note 27, "Understanding
 * and Using Cyclic Redundancy Checks with Maxim 1-Wire and iButton Products".
 * Written here bit by bit, on purpose independent of the driver's version.
 */

/** CRC-8 of `bytes[from..to)`; 0 over a block that ends with its own CRC. */
export function crc8(bytes: ArrayLike<number>, from = 0, to = bytes.length): number {
  let crc = 0;
  for (let index = from; index < to; index++) {
    let byte = bytes[index]! & 255;
    for (let bit = 0; bit < 8; bit++) {
      const mix = (crc ^ byte) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      byte >>= 1;
    }
  }
  return crc;
}
