/**
 * Keeps a race inside playwright-core from killing the process (issue #10, finding 1).
 *
 * In-process Playwright hands every server message to its client `Connection.dispatch` from a
 * `setImmediate` callback, so anything `dispatch` throws is an uncaught exception. And it can
 * throw when a context closes at the wrong moment: the server serialises a call's result (say
 * `page.goto`'s Response) and only then awaits its instrumentation's `onAfterCall`; if the
 * context closes meanwhile, the Response is disposed and its `__dispose__` reaches the client
 * before the result does. The client then fails to bind the result ("Object with guid
 * response@… was not bound in the connection") — with the call's callback already taken off
 * its table, so the call would also never settle. Cancelling a run or deleting its project
 * closes contexts mid-call by design, so this is not rare (4 of 9 tries in the issue).
 *
 * No code of ours runs in that path, so no handler of ours can catch it: the guard wraps the
 * client's `dispatch`. A message that cannot be dispatched rejects the call it answers, with
 * a "target closed" error (what the call would have met a moment later), and is otherwise
 * reported and dropped: it concerns an object the client no longer has.
 *
 * It reaches into playwright-core internals (`_connection`, `_callbacks`, `dispatch`) of the
 * version in package.json; when they are not there, it installs nothing and says so, and
 * `connection-guard.test.ts` fails, so an upgrade cannot silently drop the guard.
 */

interface PendingCall {
  reject: (error: Error) => void;
  type?: string;
  method?: string;
}

type MessageId = string | number;

interface ClientConnection {
  dispatch: (message: unknown) => void;
  _callbacks: Map<MessageId, PendingCall>;
}

/** What was dropped: the answer to `call` (e.g. 'Frame.goto'), or an event `method` on `guid`. */
export interface DroppedMessage {
  id?: MessageId;
  call?: string;
  method?: string;
  guid?: string;
}

export type DroppedMessageReport = (error: Error, message: DroppedMessage) => void;

const guarded = Symbol.for('scene.connectionGuard');

/** A call whose answer could not be bound: its target closed while it was answered. */
export class ClosedDuringCallError extends Error {
  override readonly name = 'TargetClosedError';
}

function clientConnectionOf(owner: object): ClientConnection | undefined {
  const connection: unknown = Reflect.get(owner, '_connection');
  if (typeof connection !== 'object' || connection === null) return undefined;
  const dispatch: unknown = Reflect.get(connection, 'dispatch');
  const callbacks: unknown = Reflect.get(connection, '_callbacks');
  if (typeof dispatch !== 'function' || !(callbacks instanceof Map)) return undefined;
  return connection as ClientConnection;
}

/**
 * Guards the client connection `owner` (a Browser, or any Playwright object) belongs to. Once
 * per connection; returns false when playwright-core's internals are not as expected.
 */
export function guardPlaywrightConnection(owner: object, report: DroppedMessageReport): boolean {
  const connection = clientConnectionOf(owner);
  if (!connection) return false;
  if (Reflect.get(connection, guarded) === true) return true;
  const dispatch = connection.dispatch;
  connection.dispatch = function guardedDispatch(this: ClientConnection, message: unknown): void {
    const { id, method, guid } = (message ?? {}) as DroppedMessage;
    // Taken before dispatching: dispatch removes it from the table before it can fail.
    const pending = id === undefined ? undefined : this._callbacks.get(id);
    try {
      dispatch.call(this, message);
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      if (pending && id !== undefined) {
        this._callbacks.delete(id);
        pending.reject(
          new ClosedDuringCallError(
            `Target page, context or browser has been closed while the call was answered (${error.message})`,
            { cause: error },
          ),
        );
      }
      try {
        const dropped: DroppedMessage = {};
        if (id !== undefined) dropped.id = id;
        if (pending?.type !== undefined) dropped.call = `${pending.type}.${pending.method ?? '?'}`;
        if (method !== undefined) dropped.method = method;
        if (guid !== undefined) dropped.guid = guid;
        report(error, dropped);
      } catch {
        // A report must not bring back what the guard is for.
      }
    }
  };
  Reflect.set(connection, guarded, true);
  return true;
}
