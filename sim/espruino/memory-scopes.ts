/**
 * Reads what a function's closures hold, through V8's inspector (the only
 * way to see variables that live in a closure, such as everything inside a
 * bundle's IIFE). The session is in-process and synchronous; the values come
 * back as the real objects (each entry of a function's `[[Scopes]]` holds,
 * as `object`, an object whose properties are the scope's variables; a sink
 * function receives that entry). V8 keeps only the variables some inner
 * function uses, so this sees less than Espruino keeps (it keeps whole
 * scopes, dead functions included) unless the code runs with the scopes
 * kept whole (./keep-scopes.ts). About 0.5 ms per function read.
 */
import inspector from "node:inspector";

/**
 * One scope level of a function and its variables: a function's scope
 * ("closure"), a block's or catch clause's inside one ("block": Espruino
 * keeps those variables in the function's scope), or the top-level
 * `let`/`const` ("script").
 */
export interface ScopeRecord {
  kind: "closure" | "block" | "script";
  variables: Record<string, unknown>;
}

const GROUP = "mote-memory";
const PROBE = "__moteMemoryProbe";
const SINK = "__moteMemorySink";

interface RemoteObject {
  objectId?: string;
  description?: string;
}

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

interface PropertiesResult {
  result: PropertyDescriptor[];
  internalProperties?: PropertyDescriptor[];
}

/** A synchronous inspector session for reading closure scopes; unavailable ones return no scopes. */
export class ScopeReader {
  private session: inspector.Session | null = null;
  private available = true;

  /** The closure (and script) scopes of `fn`, innermost first; [] when the inspector is unavailable. */
  scopesOf(fn: object): ScopeRecord[] {
    const session = this.connect();
    if (session === null) return [];
    const host = globalThis as Record<string, unknown>;
    const records: ScopeRecord[] = [];
    let received: Record<string, unknown> | undefined;
    host[PROBE] = fn;
    host[SINK] = (entry: { object?: Record<string, unknown> }) => {
      received = { ...(entry.object ?? {}) };
    };
    try {
      const probe = this.post<{ result: RemoteObject }>(session, "Runtime.evaluate", { expression: `globalThis.${PROBE}`, objectGroup: GROUP });
      const sink = this.post<{ result: RemoteObject }>(session, "Runtime.evaluate", { expression: `globalThis.${SINK}`, objectGroup: GROUP });
      if (probe.result.objectId === undefined || sink.result.objectId === undefined) return [];
      const properties = this.post<PropertiesResult>(session, "Runtime.getProperties", { objectId: probe.result.objectId, ownProperties: true, objectGroup: GROUP });
      const scopes = properties.internalProperties?.find((property) => property.name === "[[Scopes]]")?.value?.objectId;
      if (scopes === undefined) return [];
      const list = this.post<PropertiesResult>(session, "Runtime.getProperties", { objectId: scopes, ownProperties: true, objectGroup: GROUP });
      for (const entry of list.result) {
        const description = entry.value?.description ?? "";
        const kind = description.startsWith("Closure") ? "closure"
          : description.startsWith("Block") || description.startsWith("Catch") ? "block"
          : description.startsWith("Script") ? "script" : null;
        const objectId = entry.value?.objectId;
        if (kind === null || objectId === undefined) continue;
        received = undefined;
        this.post(session, "Runtime.callFunctionOn", {
          objectId,
          functionDeclaration: "function (sink) { sink(this); }",
          arguments: [{ objectId: sink.result.objectId }],
          objectGroup: GROUP,
        });
        if (received !== undefined) records.push({ kind, variables: received });
      }
      return records;
    } catch {
      return records;
    } finally {
      delete host[PROBE];
      delete host[SINK];
    }
  }

  /** Lets the inspector drop the handles of the last reads. */
  release(): void {
    if (this.session !== null) this.post(this.session, "Runtime.releaseObjectGroup", { objectGroup: GROUP });
  }

  /** Closes the session. */
  close(): void {
    this.session?.disconnect();
    this.session = null;
  }

  private connect(): inspector.Session | null {
    if (this.session !== null || !this.available) return this.session;
    try {
      this.session = new inspector.Session();
      this.session.connect();
    } catch {
      this.available = false;
      this.session = null;
    }
    return this.session;
  }

  private post<T>(session: inspector.Session, method: string, params: object): T {
    let result: T | undefined;
    let failure: Error | null = null;
    const post = session.post.bind(session) as (name: string, body: object, callback: (error: Error | null, value: unknown) => void) => void;
    post(method, params, (error, value) => {
      failure = error;
      result = value as T;
    });
    if (failure !== null) throw failure;
    if (result === undefined) throw new Error(`inspector ${method} did not answer synchronously`);
    return result;
  }
}
