/**
 * The Node server's direct writer for answers: the answer's pipe (stream.ts) writes to the
 * socket itself, without the web stream the Response carries for other runtimes. One
 * `res.write` per upstream read; `drain` resumes the upstream when the browser catches up.
 */
import type http from 'node:http';
import type { AnswerOutput, AnswerPipe } from './stream.js';

export function writeAnswer(pipe: AnswerPipe, res: http.ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise<void>((done) => {
    let over = false;
    const onDrain = () => pipe.flow(true);
    const onAbort = () => {
      // The browser went away: 'cancelled', and the upstream stops.
      pipe.cancel();
      end();
    };
    const end = () => {
      if (over) return;
      over = true;
      res.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      done();
    };
    const output: AnswerOutput = {
      write(text, receivedAt) {
        if (res.destroyed || res.writableEnded) return;
        const ok =
          receivedAt === undefined
            ? res.write(text, 'utf8')
            : res.write(text, 'utf8', (error) => {
                if (!error) pipe.forwarded(receivedAt);
              });
        if (!ok) pipe.flow(false);
      },
      close() {
        if (!res.destroyed && !res.writableEnded) res.end();
        end();
      },
    };
    if (signal.aborted) return onAbort();
    res.on('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
    // Small events go out at once (Node's server default too; said here for any socket).
    res.socket?.setNoDelay(true);
    pipe.attach(output);
  });
}
