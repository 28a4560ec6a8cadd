/**
 * Espruino's Storage: the flash area shared by `.bootcde` and the files a
 * node keeps, and the `require("Storage")` API over it, with the semantics
 * measured on 2v29 (Linux build):
 *
 * - `write(name, data)` replaces the file; `write(name, data, 0, size)`
 *   creates a file of `size` bytes filled with 0xFF and writes at 0; a later
 *   `write(name, data, offset)` fills in bytes that are still 0xFF ("File
 *   already written with different data" otherwise, "Too much data for file
 *   size" past the end, "Unable to find or create file" if it does not
 *   exist). Strings are stored byte per char (UTF-8 if any char is above
 *   255), arrays and typed arrays as bytes, other objects as JSON.
 * - Names are cut to 28 characters; empty files cannot be created.
 * - Each file costs a 32-byte header plus its size rounded up to 4 bytes;
 *   replaced and erased files stay as trash (counted as used by `getFree`)
 *   until `compact()`, which also runs by itself when a write needs the room.
 * - `open(name, mode)` gives a StorageFile (storage-file.ts): appendable,
 *   kept in 992-byte chunk files named `name` (cut to 27) plus the chunk
 *   number as a char (`"log\1"`, `"log\2"`, …). `list()` shows a
 *   StorageFile's first chunk only; `list(pattern, {sf: true})` lists
 *   StorageFiles by name (no chunk char), `{sf: false}` plain files only.
 */
import { joinBinary, toWireString } from "../binary.ts";
import type { Interpreter } from "../interpreter.ts";
import { openStorageFile } from "./storage-file.ts";
import { readCompactJson, writeCompactJson } from "./storage-json.ts";

const HEADER_BYTES = 32;
const NAME_LENGTH = 28;

function allocated(size: number): number {
  return HEADER_BYTES + Math.ceil(size / 4) * 4;
}

/** The flash contents of one board: file name → binary string. Reuse the object to keep files across reboots. */
export class FlashStorage {
  private readonly files = new Map<string, string>();
  /** Names of the files that are StorageFile chunks (Espruino flags them in the file header). */
  private readonly chunks = new Set<string>();
  private trash = 0;

  /** @param capacity bytes of the Storage area (the board's `storageBytes`). */
  constructor(readonly capacity: number) {}

  /** A file's contents as a binary string, or undefined. */
  read(name: string): string | undefined {
    return this.files.get(name.slice(0, NAME_LENGTH));
  }

  /** Writes a whole file (binary string); false when it does not fit even after compacting. `chunk`: a StorageFile chunk. */
  write(name: string, contents: string, chunk = false): boolean {
    const key = name.slice(0, NAME_LENGTH);
    if (contents.length === 0) return false;
    const old = this.files.get(key);
    const freed = old === undefined ? 0 : allocated(old.length);
    if (allocated(contents.length) > this.free + freed + this.trash) return false;
    if (allocated(contents.length) > this.free + freed) this.compact();
    if (old !== undefined) this.trash += freed;
    this.files.set(key, contents);
    if (chunk) this.chunks.add(key);
    else this.chunks.delete(key);
    return true;
  }

  /** Replaces part of an existing file in place (flash already laid out); the caller checks the rules. */
  patch(name: string, offset: number, bytes: string): void {
    const old = this.files.get(name)!;
    this.files.set(name, old.slice(0, offset) + bytes + old.slice(offset + bytes.length));
  }

  /** Removes a file (its bytes become trash until compacted). */
  erase(name: string): void {
    const key = name.slice(0, NAME_LENGTH);
    const old = this.files.get(key);
    if (old === undefined) return;
    this.trash += allocated(old.length);
    this.files.delete(key);
    this.chunks.delete(key);
  }

  /** Whether `name` is a StorageFile chunk. */
  isChunk(name: string): boolean {
    return this.chunks.has(name);
  }

  /** Removes every file and the trash. */
  eraseAll(): void {
    this.files.clear();
    this.chunks.clear();
    this.trash = 0;
  }

  /** File names in flash order. */
  names(): string[] {
    return [...this.files.keys()];
  }

  /** Bytes taken by live files (headers included). */
  get used(): number {
    let total = 0;
    for (const contents of this.files.values()) total += allocated(contents.length);
    return total;
  }

  /** Bytes taken by replaced and erased files. */
  get trashBytes(): number {
    return this.trash;
  }

  /** Bytes a new file may still use (Espruino's `getFree`). */
  get free(): number {
    return this.capacity - this.used - this.trash;
  }

  /** Reclaims the trash. */
  compact(): void {
    this.trash = 0;
  }
}

/** The binary string Espruino stores for `data`. */
function storedForm(interpreter: Interpreter, data: unknown): string {
  if (typeof data === "string") return toWireString(data);
  if (typeof data === "number" || typeof data === "boolean" || Array.isArray(data) || ArrayBuffer.isView(data) || Object.prototype.toString.call(data) === "[object ArrayBuffer]") {
    return joinBinary([data]);
  }
  if (data === undefined || data === null) return "";
  const json = interpreter.realm.intrinsics.JSON.stringify(data);
  return toWireString(json.replace(/[\u007f-\uffff]/g, (char) => "\\u" + char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")));
}

function writeFile(interpreter: Interpreter, flash: FlashStorage, nameValue: unknown, data: unknown, offsetValue: unknown, sizeValue: unknown): boolean {
  const name = String(nameValue).slice(0, NAME_LENGTH);
  const bytes = storedForm(interpreter, data);
  const offset = offsetValue === undefined ? 0 : Number(offsetValue) | 0;
  const fail = (message: string): never => {
    throw interpreter.realm.error(message);
  };
  if (offset === 0) {
    const size = sizeValue === undefined ? bytes.length : Number(sizeValue) | 0;
    if (size <= 0) fail("Can't create zero length file");
    if (!flash.write(name, "\xff".repeat(size))) fail("Unable to find or create file");
    if (bytes.length > size) fail("Too much data for file size");
    flash.patch(name, 0, bytes);
    return true;
  }
  const existing = flash.read(name);
  if (existing === undefined) return fail("Unable to find or create file");
  if (offset + bytes.length > existing.length) fail("Too much data for file size");
  for (let index = 0; index < bytes.length; index++) {
    if (existing.charCodeAt(offset + index) !== 0xff) fail("File already written with different data");
  }
  flash.patch(name, offset, bytes);
  return true;
}

/** Espruino's `require("Storage")` over the interpreter's flash. */
export function createStorageModule(interpreter: Interpreter): Record<string, unknown> {
  const flash = interpreter.options.storage;
  const realm = interpreter.realm;
  const read = (name: unknown, offset?: unknown, length?: unknown): string | undefined => {
    const contents = flash.read(String(name));
    if (contents === undefined) return undefined;
    const start = offset === undefined ? 0 : Math.max(0, Number(offset) | 0);
    const count = length === undefined || Number(length) <= 0 ? undefined : Number(length) | 0;
    return count === undefined ? contents.slice(start) : contents.slice(start, start + count);
  };
  return realm.object({
    read: realm.bridge((args) => read(args[0], args[1], args[2])),
    readJSON: realm.bridge((args) => {
      const contents = read(args[0]);
      if (contents === undefined) return undefined;
      try {
        return realm.copy(readCompactJson(contents));
      } catch (error) {
        if (args[1] === true) return undefined;
        throw realm.error((error as Error).message, "SyntaxError");
      }
    }),
    readArrayBuffer: realm.bridge((args) => {
      const contents = read(args[0]);
      if (contents === undefined) return undefined;
      const bytes = realm.bytes(Array.from(contents, (char) => char.charCodeAt(0)));
      return bytes.buffer;
    }),
    write: realm.bridge((args) => writeFile(interpreter, flash, args[0], args[1], args[2], args[3])),
    writeJSON: realm.bridge((args) => writeFile(interpreter, flash, args[0], toWireString(writeCompactJson(args[1])), undefined, undefined)),
    erase: realm.bridge((args) => {
      flash.erase(String(args[0]));
    }),
    eraseAll: realm.bridge(() => {
      flash.eraseAll();
    }),
    list: realm.bridge((args) => {
      const pattern = args[0];
      const storageFiles = args[1] === undefined || args[1] === null ? undefined : (args[1] as { sf?: unknown }).sf;
      const listed = flash.names().flatMap((name) => {
        const chunk = flash.isChunk(name);
        if (chunk && name.charCodeAt(name.length - 1) !== 1) return [];
        if (storageFiles === undefined) return [name];
        if (Boolean(storageFiles) !== chunk) return [];
        return [chunk ? name.slice(0, -1) : name];
      });
      const names = listed.filter((name) => {
        if (pattern === undefined) return true;
        if (Object.prototype.toString.call(pattern) === "[object RegExp]") return (pattern as RegExp).test(name);
        return name.includes(String(pattern));
      });
      return realm.array(names);
    }),
    getFree: realm.bridge(() => flash.free),
    getStats: realm.bridge(() =>
      realm.object({
        totalBytes: flash.capacity,
        freeBytes: flash.free,
        fileBytes: flash.used,
        fileCount: flash.names().length,
        trashBytes: flash.trashBytes,
        trashCount: flash.trashBytes > 0 ? 1 : 0,
      }),
    ),
    compact: realm.bridge(() => {
      flash.compact();
    }),
    open: realm.bridge((args) => openStorageFile(realm, flash, args[0], args[1])),
  });
}
