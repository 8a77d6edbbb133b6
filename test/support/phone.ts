import { executeServerCommand } from '@web/test-runner-commands';

/**
 * A phone in the browser tests, where the driver can emulate one (Chromium over CDP,
 * web-test-runner.config.js's `phone` command): each call resolves to whether it was done.
 * Firefox's and WebKit's drivers cannot: false there.
 */
interface PhonePayload {
  media?: { name: string; value: string }[];
  insets?: { top: number; right: number; bottom: number; left: number };
  tap?: { x: number; y: number };
}

const phone = async (payload: PhonePayload): Promise<boolean> =>
  (await executeServerCommand<boolean, PhonePayload>('phone', payload)) === true;

/** No hover, a coarse pointer (a touch screen); `false` puts the desktop's back. */
export async function touchScreen(on: boolean): Promise<boolean> {
  const done = await phone({
    media: on
      ? [
          { name: 'hover', value: 'none' },
          { name: 'any-hover', value: 'none' },
          { name: 'pointer', value: 'coarse' },
          { name: 'any-pointer', value: 'coarse' },
        ]
      : [],
  });
  return done && matchMedia('(hover: none)').matches === on;
}

/** The values of `env(safe-area-inset-*)` (a notch, a home indicator); zeros reset them. */
export const safeAreaInsets = (top: number, right: number, bottom: number, left: number): Promise<boolean> =>
  phone({ insets: { top, right, bottom, left } });

/** A finger's tap at a point of the viewport (CSS px). */
export const tap = (x: number, y: number): Promise<boolean> => phone({ tap: { x, y } });
