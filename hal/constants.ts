/**
 * Hardware constants of the drivers, with their datasheet references. Plain
 * `export const` numbers and strings in a file with no imports: esbuild
 * inlines them into the drivers when minifying, so none of them takes a heap
 * variable on the device (a constant declared in the driver's own file would
 * stay a variable of the bundle's scope, one each).
 */

/** BME280 I2C addresses (Bosch BST-BME280-DS002, 6.2): 0x76 with SDO to ground, the driver's default, or 0x77. */
export const BME280_ADDRESS = 0x76;
export const BME280_ADDRESS_ALTERNATE = 0x77;

/** BME280 registers (Bosch BST-BME280-DS002, 5.3, table 18). */
export const BME280_CALIBRATION_LOW = 0x88;
export const BME280_ID = 0xd0;
export const BME280_RESET = 0xe0;
export const BME280_CALIBRATION_HIGH = 0xe1;
export const BME280_STATUS = 0xf3;
export const BME280_DATA = 0xf7;
/** Chip id of the BME280 (5.4.1); a BMP280 answers 0x58. */
export const BME280_CHIP_ID = 0x60;
/** Soft reset word (5.4.2). */
export const BME280_RESET_WORD = 0xb6;
/** Status bit 3: a conversion is running (5.4.4); the register has no other bits but 0, so 0xFF means nobody answered. */
export const BME280_MEASURING = 0x08;
/** Bytes of the calibration the driver keeps (table 16): 26 from 0x88, then 7 from 0xE1 at offset BME280_CALIBRATION_SPLIT. */
export const BME280_CALIBRATION_BYTES = 33;
export const BME280_CALIBRATION_SPLIT = 26;
/** Raw reading of a skipped measurement (5.4.7). */
export const BME280_SKIPPED = 0x80000;

/** DHT22: between TH0 (max 30 µs) and TH1 (min 68 µs), in µs (AM2302 datasheet, section 7). */
export const DHT22_ONE_THRESHOLD = 50;
/** DHT22: longest high pulse that belongs to a frame (Treh max 85 µs, with margin), in seconds. */
export const DHT22_LONGEST_PULSE = 0.0002;
/** DHT22: a whole frame takes at most about 5.6 ms after the release (datasheet maxima). */
export const DHT22_FRAME_MILLISECONDS = 8;
/** DHT22: pulses counted per sample, 40 bits and the response pulses before them (later ones are ignored). */
export const DHT22_MAXIMUM_PULSES = 48;

/** DS18B20 family code (first ROM byte), Maxim DS18B20 datasheet 19-7487. */
export const DS18B20_FAMILY = "28";
/** DS18B20 function commands ("DS18B20 function commands"). */
export const DS18B20_CONVERT_T = 0x44;
export const DS18B20_READ_SCRATCHPAD = 0xbe;
export const DS18B20_WRITE_SCRATCHPAD = 0x4e;
/** DS18B20 measuring range, -55..+125 °C, as temperature register values in sixteenths (datasheet Table 1: 0xFC90 and 0x07D0). */
export const DS18B20_MINIMUM_RAW = -880;
export const DS18B20_MAXIMUM_RAW = 2000;
/** DS18B20 temperature register at power-on: +85 °C. */
export const DS18B20_POWER_ON_RAW = 0x0550;
/** DS18B20 maximum conversion time at 12 bits, ms (Table 2); each bit less halves it: 93.75, 187.5, 375, 750. */
export const DS18B20_CONVERSION_MILLISECONDS = 750;
