/**
 * JavaScript that runs inside every emulated realm before the absences are
 * deleted: what Espruino has and V8 does not, written in the realm's own
 * language so device code sees realm objects and functions.
 *
 * - Every object is an event emitter (Espruino puts `on`, `emit`,
 *   `removeListener`, `removeAllListeners` on Object.prototype). Listeners
 *   live in an enumerable own property `"#on" + event` (a function, or an
 *   array of them), as Espruino stores them; `emit` queues the call for the
 *   next idle loop instead of calling synchronously (measured on 2v29).
 * - `Date` reads the emulated clock: `new Date()` and `Date.now()` follow
 *   virtual time, not the host's wall clock.
 * - `InternalError`, the error type Espruino throws for failed sockets.
 *
 * The prelude is a function expression taking the host hooks
 * {@link PreludeHooks}; it returns nothing and leaves no global behind.
 */

/** What the prelude needs from the host. */
export interface PreludeHooks {
  /** Milliseconds since 1970 on the emulated device's clock. */
  now(): number;
  /** Queues `event` with `args` to the listeners of `target` (Espruino's `emit`). */
  emit(target: object, event: string, args: unknown[]): void;
}

/** The prelude's source: a function expression to call with {@link PreludeHooks}. */
export const REALM_PRELUDE = `(function (host) {
  var defineProperty = Object.defineProperty;
  var construct = Reflect.construct;
  function hidden(target, name, value) {
    defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
  }
  hidden(Object.prototype, "on", function (event, listener) {
    var key = "#on" + event;
    var current = this[key];
    if (current === undefined) this[key] = listener;
    else if (Array.isArray(current)) current.push(listener);
    else this[key] = [current, listener];
  });
  hidden(Object.prototype, "emit", function (event) {
    host.emit(this, String(event), Array.prototype.slice.call(arguments, 1));
  });
  hidden(Object.prototype, "removeListener", function (event, listener) {
    var key = "#on" + event;
    var current = this[key];
    if (current === listener) { delete this[key]; return; }
    if (!Array.isArray(current)) return;
    var index = current.indexOf(listener);
    if (index >= 0) current.splice(index, 1);
    if (current.length === 0) delete this[key];
    else if (current.length === 1) this[key] = current[0];
  });
  hidden(Object.prototype, "removeAllListeners", function (event) {
    if (event !== undefined) { delete this["#on" + event]; return; }
    for (var key in this) if (key.indexOf("#on") === 0) delete this[key];
  });

  var NativeDate = Date;
  function VirtualDate() {
    if (!(this instanceof VirtualDate)) return new NativeDate(host.now()).toString();
    if (arguments.length === 0) return new NativeDate(host.now());
    return construct(NativeDate, arguments);
  }
  VirtualDate.prototype = NativeDate.prototype;
  hidden(NativeDate.prototype, "constructor", VirtualDate);
  hidden(VirtualDate, "now", function () { return host.now(); });
  hidden(VirtualDate, "parse", NativeDate.parse);
  hidden(VirtualDate, "UTC", NativeDate.UTC);
  hidden(globalThis, "Date", VirtualDate);

  function InternalError(message) {
    if (!(this instanceof InternalError)) return new InternalError(message);
    this.message = message === undefined ? "" : String(message);
  }
  InternalError.prototype = Object.create(Error.prototype);
  hidden(InternalError.prototype, "constructor", InternalError);
  hidden(InternalError.prototype, "toString", function () { return "InternalError: " + this.message; });
  hidden(globalThis, "InternalError", InternalError);
})`;
