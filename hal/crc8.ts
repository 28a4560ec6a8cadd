/**
 * Dallas/Maxim 1-Wire CRC-8 (x^8 + x^5 + x^4 + 1, reflected: 0x8C), Maxim
 * application note 27. Checks DS18B20 ROM ids and scratchpads.
 */

/** CRC-8 of `bytes[0..length)`; a block followed by its CRC gives 0. */
export function crc8(bytes: ArrayLike<number>, length: number): number {
  let crc = 0;
  for (let index = 0; index < length; index++) {
    crc ^= bytes[index]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >> 1) ^ 0x8c : crc >> 1;
  }
  return crc;
}
