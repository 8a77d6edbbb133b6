/**
 * Chunk types of the indigo.ai Chat API stream, normalised.
 *
 * The decoder (`decodeChunks`) yields the wire objects exactly as parsed (`WireChunk`);
 * `parseChunk` turns one wire object into this discriminated union, absorbing the seed's
 * documented defects (see docs/protocol.md): `url`/`link`, ids at top level or in `data`,
 * numeric or string ids, card image `null`/string/object, `tel: +39…` with a space.
 * Anything unrecognised becomes the `unknown` variant; nothing here throws.
 */

/** A wire chunk as decoded from the stream: any JSON object. */
export type WireChunk = { readonly [key: string]: unknown };

/** One edit command of a generation delta script (Myers keep/insert/delete). */
export type DeltaCommand = 'mov' | 'ins' | 'del';

/** A delta as it appears on the wire. Validated only when applied (see core/delta). */
export interface Delta {
  readonly command: string;
  readonly value: unknown;
}

/** One option of a `select` chunk/block: `label` shown, `payload` sent. */
export interface SelectOption {
  readonly label: string;
  readonly payload: string;
}

export interface ImageRef {
  readonly src: string;
  readonly alt: string;
}

export type Chunk =
  | { readonly type: 'processing.start' }
  | { readonly type: 'processing.end' }
  | {
      readonly type: 'text';
      /** HTML as sent by the platform (unsanitised). */
      readonly text: string;
      readonly isCaption: boolean;
      readonly isGenerated: boolean;
    }
  | { readonly type: 'image'; readonly src: string; readonly alt: string }
  | { readonly type: 'video'; readonly src: string; readonly alt: string }
  | { readonly type: 'button'; readonly label: string; readonly payload: string }
  /** `url` and `link` on the wire; `tel: +39…` normalised to `tel:+39…`. */
  | { readonly type: 'link'; readonly label: string; readonly url: string }
  | { readonly type: 'generation.start'; readonly generationId: string }
  | {
      readonly type: 'generation.chunk';
      readonly generationId: string;
      /** The raw (markdown) text the model added. */
      readonly chunk: string;
      /** Edits turning the generation's current HTML into the new HTML. Not yet validated. */
      readonly deltas: readonly Delta[];
    }
  | { readonly type: 'generation.end'; readonly generationId: string }
  | { readonly type: 'carousel.start'; readonly carouselId: string }
  | { readonly type: 'carousel.end'; readonly carouselId: string }
  | {
      readonly type: 'carousel.card.start';
      readonly carouselId: string;
      readonly cardIndex: number;
      readonly title: string;
      readonly description: string;
      readonly image: ImageRef | null;
    }
  | { readonly type: 'carousel.card.end'; readonly carouselId: string; readonly cardIndex: number }
  | {
      readonly type: 'carousel.card.button';
      readonly carouselId: string;
      readonly cardIndex: number;
      readonly label: string;
      readonly payload: string;
    }
  | {
      readonly type: 'carousel.card.link';
      readonly carouselId: string;
      readonly cardIndex: number;
      readonly label: string;
      readonly url: string;
    }
  /*
   * Documented extensions of the canonical protocol (docs/decisions/protocol-extensions.md). The
   * indigo.ai platform never sends them; the relay's other adapters (Botpress,
   * chat-messages) do. Wire shapes: `{type:"audio", data:{src, title?}}`,
   * `{type:"file", data:{url, name?, mime_type?, size?}}`,
   * `{type:"location", data:{latitude, longitude, title?, address?}}`,
   * `{type:"select", data:{label?, options:[{label, payload}]}}`.
   */
  /** An audio clip: `<audio controls preload="none">`. */
  | { readonly type: 'audio'; readonly src: string; readonly title: string }
  /** A file to download; `size` in bytes when known. */
  | { readonly type: 'file'; readonly url: string; readonly name: string; readonly mimeType: string; readonly size: number | null }
  /** A place: title, address and a link to a map (no map tiles). */
  | {
      readonly type: 'location';
      readonly latitude: number;
      readonly longitude: number;
      readonly title: string;
      readonly address: string;
    }
  /** A dropdown: many options in a native `<select>`; the chosen one is sent like a quick reply. */
  | { readonly type: 'select'; readonly label: string; readonly options: readonly SelectOption[] }
  /** Added by the relay (never by the platform): the upstream failed; see docs/protocol.md. */
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  /**
   * Anything else: an unknown type, or a known type whose required fields are missing or
   * of the wrong kind. `reason` says which. Skipped by the reducer, never rendered.
   */
  | { readonly type: 'unknown'; readonly wireType: string; readonly reason: string; readonly raw: WireChunk };

export type ChunkType = Chunk['type'];
export type ChunkOf<T extends ChunkType> = Extract<Chunk, { type: T }>;

/** What the visitor sends (the `data` of a Chat API request). */
export type OutgoingData =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'payload'; readonly payload: string; readonly label?: string }
  | { readonly type: 'profile'; readonly profile: Readonly<Record<string, string>> };

/** Framings the decoder detects and the encoder can emit. */
export type Framing = 'sse' | 'ndjson' | 'concatenated' | 'array';

/** A malformed frame, an oversize line, and the like. Reported, never thrown. */
export interface DecodeError {
  readonly code: 'invalid-json' | 'not-an-object' | 'line-too-long' | 'stream-too-large' | 'read-failed';
  readonly message: string;
  /** Up to 200 characters of the offending input, for logs. */
  readonly sample?: string;
}
