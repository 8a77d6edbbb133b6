/**
 * A time limit that holds. `fetch(new Request(url, { signal: AbortSignal.timeout(ms) }))`
 * can hang forever on Node: the Request follows the timeout signal through a weak link that
 * garbage collection breaks, and the timer itself holds the signal weakly too
 * (nodejs/node#55428, nodejs/undici#4068). Seen here as a console test hanging under load,
 * and it would leave a webhook round or an owner's console page waiting on a platform that
 * never answers. So the deadline is a plain timer held by this call: it aborts the work's
 * signal (cancelling the request where the link holds) and rejects on its own either way.
 */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new DOMException(`no answer within ${ms} ms`, 'TimeoutError');
      controller.abort(reason);
      reject(reason);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
