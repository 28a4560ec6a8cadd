/**
 * Espruino's StorageFile (`require("Storage").open(name, mode)`), measured on
 * 2v29 (Linux build) and read from src/jswrap_storage.c:
 *
 * - The file is kept in chunk files of 992 bytes (1,024 with the header),
 *   each created whole, filled with 0xFF, when the first byte goes into it;
 *   named `name` cut to 27 characters plus the chunk number as a char.
 * - The end of the data is the first 0xFF byte: a `"\xFF"` written into the
 *   file ends it there for every reader (`readLine` stops before it).
 * - `open(name, "a")` finds that end (the first chunk whose last byte is
 *   0xFF, then its first 0xFF byte); `"w"` erases the file first; `"r"`
 *   reads from the start; any other mode throws `Invalid mode "x"`.
 * - `write(data)` appends `String(data)` (UTF-8 when a char is above 255);
 *   an empty string does nothing. It fills the current chunk and carries the
 *   rest into one new chunk: a rest over 992 bytes (or a first write over 992)
 *   creates that chunk empty and throws "Too much data for file size".
 * - `read(n)` / `readLine()` (up to and including `"\n"`) return undefined at
 *   the end, and throw "Can't read in this mode" unless opened with "r";
 *   `write` throws "Can't write in this mode" unless "a" or "w".
 * - `erase()` deletes every chunk and leaves the object in no mode.
 * - Whether a file exists for reading is decided by `open`, as on the device.
 */
import { toWireString } from "../binary.ts";
import type { Realm } from "../realm.ts";
import type { FlashStorage } from "./storage.ts";

/** Data bytes in one chunk (1,024-byte chunk file minus its 32-byte header). */
export const STORAGE_FILE_CHUNK = 992;
const NAME_LENGTH = 27;
const END = "\xff";

/** A new StorageFile object for device code. */
export function openStorageFile(realm: Realm, flash: FlashStorage, nameValue: unknown, modeValue: unknown): Record<string, unknown> {
  const modeText = String(modeValue);
  if (modeText !== "r" && modeText !== "w" && modeText !== "a") throw realm.error("Invalid mode " + JSON.stringify(modeValue));
  const name = String(nameValue).slice(0, 28);
  const chunkName = (chunk: number): string => name.slice(0, NAME_LENGTH) + String.fromCharCode(chunk);
  let mode = modeText.charCodeAt(0);
  let chunk = 1;
  let offset = 0;
  let present = flash.read(chunkName(1)) !== undefined;
  if (modeText === "w" && present) {
    eraseChunks();
    present = false;
  }
  if (modeText === "a") {
    while (present && flash.read(chunkName(chunk))!.endsWith(END) === false && chunk < 255) {
      chunk++;
      present = flash.read(chunkName(chunk)) !== undefined;
    }
    if (present) {
      const end = flash.read(chunkName(chunk))!.indexOf(END);
      offset = end < 0 ? STORAGE_FILE_CHUNK : end;
    }
  }
  const file = realm.object({ name, chunk, offset, mode });

  function sync(): void {
    file["chunk"] = chunk;
    file["offset"] = offset;
    file["mode"] = mode;
  }

  function eraseChunks(): void {
    for (let index = 1; flash.read(chunkName(index)) !== undefined; index++) flash.erase(chunkName(index));
  }

  function createChunk(data: string): void {
    if (!flash.write(chunkName(chunk), END.repeat(STORAGE_FILE_CHUNK), true)) throw realm.error("Unable to find or create file");
    present = true;
    offset = 0;
    if (data.length > STORAGE_FILE_CHUNK) {
      sync();
      throw realm.error("Too much data for file size");
    }
    flash.patch(chunkName(chunk), 0, data);
    offset = data.length;
  }

  function write(data: unknown): void {
    if (mode !== 0x61 && mode !== 0x77) throw realm.error("Can't write in this mode");
    const bytes = toWireString(String(data));
    if (bytes.length === 0) return;
    const remaining = STORAGE_FILE_CHUNK - offset;
    if (!present) createChunk(bytes);
    else if (bytes.length < remaining) {
      flash.patch(chunkName(chunk), offset, bytes);
      offset += bytes.length;
    } else {
      flash.patch(chunkName(chunk), offset, bytes.slice(0, remaining));
      if (chunk === 255) throw realm.error("File too big!");
      chunk++;
      createChunk(bytes.slice(remaining));
    }
    sync();
  }

  /** Espruino's jswrap_storagefile_read_internal: `length` bytes, or a line when `length` < 0. */
  function read(length: number): string | undefined {
    if (mode !== 0x72) throw realm.error("Can't read in this mode");
    const line = length < 0;
    let result: string | undefined;
    while (present) {
      if (offset >= STORAGE_FILE_CHUNK) {
        offset = 0;
        chunk++;
        present = chunk <= 255 && flash.read(chunkName(chunk)) !== undefined;
        continue;
      }
      const contents = flash.read(chunkName(chunk))!;
      let end = contents.indexOf(END, offset);
      if (end < 0) end = STORAGE_FILE_CHUNK;
      let stop = Math.min(end, offset + length - (result === undefined ? 0 : result.length));
      if (line) {
        const newline = contents.indexOf("\n", offset);
        stop = newline >= 0 && newline < end ? newline + 1 : end;
      }
      if (stop > offset) result = (result ?? "") + contents.slice(offset, stop);
      offset = stop;
      const done = result !== undefined && (line ? result.endsWith("\n") : result.length >= length);
      if (done || length === 0 || (stop === end && end < STORAGE_FILE_CHUNK)) break;
    }
    sync();
    return result;
  }

  function getLength(): number {
    let index = 1;
    let length = 0;
    let contents = flash.read(chunkName(index));
    while (contents !== undefined && !contents.endsWith(END) && index < 255) {
      length += contents.length;
      contents = flash.read(chunkName(++index));
    }
    if (contents === undefined) return length;
    const end = contents.indexOf(END);
    return length + (end < 0 ? STORAGE_FILE_CHUNK : end);
  }

  file["read"] = realm.bridge((args) => read(Math.max(0, Number(args[0]) | 0)));
  file["readLine"] = realm.bridge(() => read(-1));
  file["write"] = realm.bridge((args) => {
    write(args[0]);
  });
  file["getLength"] = realm.bridge(() => getLength());
  file["erase"] = realm.bridge(() => {
    eraseChunks();
    chunk = 1;
    offset = 0;
    mode = 0;
    present = false;
    sync();
  });
  return file;
}
