/**
 * The browser build's JsonScanner (swapped in by scripts/build.js): the relay always
 * re-emits canonical SSE with one JSON object per event, so the browser never needs the
 * NDJSON / concatenated / array scanner and its recovery. What would have gone to it (a
 * non-SSE body, or an event that is not one valid JSON object) is reported, not decoded.
 * The full scanner stays in the core package and the relay.
 */
import { sample, type FrameSink } from './frame-sink.js';

export class JsonScanner {
  private readonly sink: FrameSink;
  private text = '';

  constructor(sink: FrameSink, _maxBytes?: number) {
    this.sink = sink;
  }

  push(text: string): void {
    if (this.text.length < 256) this.text += text.slice(0, 256);
  }

  end(): void {
    if (this.text.trim() === '') return;
    this.sink.error({
      code: 'invalid-json',
      message: 'not one JSON object per SSE event (the browser build decodes the relay\'s canonical SSE only)',
      sample: sample(this.text),
    });
    this.text = '';
  }
}
